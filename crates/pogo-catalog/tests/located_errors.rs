//! A user catalog with a bad figure is refused with file:line:column of the field
//! (the checks made after parsing used to name only the file and the entry; the
//! catalog_load fuzz target now requires a line and column for every such error).

use pogo_catalog::{Catalog, CatalogError};

const PART: &str = r#"format = 1
[[parts]]
id = "MY-SPEAR"
maker = "me"
part_number = "x"
class = "P100"
kind = "contact"
tip = "spear"
tip_diameter_mm = 1.3
tip_contact_radius_mm = 0.05
suits = ["flat_pad"]
barrel_diameter_mm = 1.37
barrel_inner_diameter_mm = 1.07
plunger_diameter_mm = 1.02
plunger_extended_mm = 8.0
plunger_retained_mm = 4.0
length_mm = 33.0
full_travel_mm = 6.35
working_travel_mm = 4.23
preload_force_n = 0.6
spring_force_n = 1.5
max_contact_resistance_mohm = 20
current_rating_a = 3.0
rated_life_cycles = 1000000
receptacle = "R100-WW"
source = "test"
typical = true
"#;

fn at(text: &str) -> (Option<(usize, usize)>, String) {
    match Catalog::from_toml("user.toml", text).unwrap_err() {
        e @ CatalogError::Invalid { at, .. } => (at, e.to_string()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn good_part_loads_and_merges() {
    let user = Catalog::from_toml("user.toml", PART).unwrap();
    let mut all = Catalog::builtin();
    all.merge(user, "user.toml").unwrap();
    assert_eq!(all.parts[0].id, "MY-SPEAR");
}

#[test]
fn bad_figure_names_its_line_and_column() {
    let text = PART.replace("spring_force_n = 1.5", "spring_force_n = 0");
    let (loc, msg) = at(&text);
    assert_eq!(loc, Some((21, 18)), "{msg}");
    assert!(
        msg.starts_with("user.toml:21:18: part `MY-SPEAR`: spring_force_n 0"),
        "{msg}"
    );

    let text = PART.replace("working_travel_mm = 4.23", "working_travel_mm = 6");
    assert_eq!(at(&text).0, Some((19, 21)));

    // A second entry of the same id: the duplicate's id is named.
    let text = format!("{PART}{}", &PART[PART.find("[[parts]]").unwrap()..]);
    let (loc, msg) = at(&text);
    assert_eq!(loc, Some((29, 6)), "{msg}");
    assert!(msg.contains("defined twice"), "{msg}");
}
