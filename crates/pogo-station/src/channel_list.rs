//! SCPI channel lists: `(@1001,1021)`, `(@101:103,301)`. A route of the channel map is
//! what goes inside the parentheses (`@1001,1021`).

/// Largest number of channels one list may name.
pub const MAX_CHANNELS: usize = 4096;

/// The channels of a list, in the order written (ranges expanded), or why it does not
/// parse. Accepts the list with or without its parentheses.
pub fn parse(list: &str) -> Result<Vec<u32>, String> {
    let s = list.trim();
    let s = s
        .strip_prefix('(')
        .map(|r| r.strip_suffix(')').ok_or("`(` without `)`"))
        .transpose()?
        .unwrap_or(s)
        .trim();
    let body = s.strip_prefix('@').ok_or_else(|| {
        format!("`{list}` is not a channel list (expected @CHANNEL[,CHANNEL|:CHANNEL]...)")
    })?;
    let mut out = Vec::new();
    for item in body.split(',') {
        let item = item.trim();
        let number = |t: &str| {
            t.trim()
                .parse::<u32>()
                .map_err(|_| format!("`{t}` in `{list}` is not a channel number"))
        };
        match item.split_once(':') {
            Some((a, b)) => {
                let (a, b) = (number(a)?, number(b)?);
                if a > b {
                    return Err(format!("range {a}:{b} in `{list}` runs backwards"));
                }
                if (b - a) as usize >= MAX_CHANNELS {
                    return Err(format!("range {a}:{b} in `{list}` is too long"));
                }
                out.extend(a..=b);
            }
            None => out.push(number(item)?),
        }
        if out.len() > MAX_CHANNELS {
            return Err(format!("`{list}` names more than {MAX_CHANNELS} channels"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_ranges_in_order() {
        assert_eq!(parse("(@101:103,301)").unwrap(), [101, 102, 103, 301]);
        assert_eq!(parse("@1001,1021").unwrap(), [1001, 1021]);
        assert_eq!(parse(" ( @ 7 ) ").unwrap(), [7]);
    }

    #[test]
    fn refuses_bad_lists() {
        for bad in ["", "1001", "@", "@a", "@3:1", "(@1", "@1,,2", "@0:99999"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
