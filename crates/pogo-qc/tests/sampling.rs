//! ISO 2859-1 / ANSI Z1.4 single sampling plans and switching rules.

use pogo_qc::QcError;
use pogo_qc::sampling::*;

fn aql(s: &str) -> Aql {
    Aql::parse(s).unwrap()
}

fn p(lot: u64, a: &str, level: InspectionLevel, sev: Severity) -> SamplingPlan {
    plan(lot, aql(a), level, sev).unwrap()
}

use InspectionLevel::*;
use Severity::*;

/// (lot, AQL, level, severity, code letter, plan letter, n, Ac, Re)
type Case = (
    u64,
    &'static str,
    InspectionLevel,
    Severity,
    char,
    char,
    u64,
    u32,
    u32,
);

#[test]
fn known_plans_from_the_published_tables() {
    // (lot, AQL, level, severity) -> (code letter, plan letter, n, Ac, Re)
    let cases: &[Case] = &[
        (2400, "2.5", II, Normal, 'K', 'K', 125, 7, 8),
        (500, "1.0", II, Normal, 'H', 'H', 50, 1, 2),
        (1000, "0.65", II, Normal, 'J', 'J', 80, 1, 2),
        (10000, "0.40", II, Normal, 'L', 'L', 200, 2, 3),
        (150, "4.0", II, Normal, 'F', 'F', 20, 2, 3),
        (35000, "1.5", II, Normal, 'M', 'M', 315, 10, 11),
        (800, "6.5", I, Normal, 'G', 'G', 32, 5, 6),
        // arrow down: D at AQL 0.65 -> first plan below is F (n = 20, 0/1)
        (50, "0.65", II, Normal, 'D', 'F', 20, 0, 1),
        // arrow up on the 0/1 diagonal: H at 0.40 -> G (n = 32, 0/1)
        (300, "0.40", II, Normal, 'H', 'G', 32, 0, 1),
        // arrow up at the top of a column: L at AQL 10 -> K (21/22)
        (5000, "10", II, Normal, 'L', 'K', 125, 21, 22),
        // special levels
        (1000, "4.0", S2, Normal, 'C', 'B', 3, 0, 1),
        (100000, "1.0", S4, Normal, 'J', 'J', 80, 2, 3),
        // large AQLs (nonconformities per 100 items)
        (5, "1000", II, Normal, 'A', 'A', 2, 30, 31),
        (12, "1000", II, Normal, 'B', 'B', 3, 44, 45),
        (20, "1000", II, Normal, 'C', 'B', 3, 44, 45),
        (600000, "0.010", III, Normal, 'R', 'Q', 1250, 0, 1),
        // tightened
        (2400, "2.5", II, Tightened, 'K', 'K', 125, 5, 6),
        (500, "1.0", II, Tightened, 'H', 'J', 80, 1, 2),
        (600000, "0.025", III, Tightened, 'R', 'S', 3150, 1, 2),
        (5, "40", II, Tightened, 'A', 'A', 2, 1, 2),
        // reduced (ISO 2859-1:1999)
        (2400, "2.5", II, Reduced, 'K', 'K', 50, 5, 6),
        (2400, "6.5", II, Reduced, 'K', 'K', 50, 8, 9),
        (10000, "1.0", II, Reduced, 'L', 'L', 80, 3, 4),
    ];
    for &(lot, a, level, sev, letter, plan_letter, n, ac, re) in cases {
        let got = p(lot, a, level, sev);
        assert_eq!(
            (
                got.code_letter,
                got.plan_letter,
                got.sample_size,
                got.accept,
                got.reject
            ),
            (letter, plan_letter, n, ac, re),
            "lot {lot} AQL {a} {level:?} {sev:?}"
        );
        assert_eq!(got.arrow.is_some(), letter != plan_letter);
    }
}

#[test]
fn table_i_code_letters() {
    // Boundaries of every lot size range, level II and S-1.
    let ii = [
        (2, 'A'),
        (8, 'A'),
        (9, 'B'),
        (15, 'B'),
        (16, 'C'),
        (25, 'C'),
        (26, 'D'),
        (50, 'D'),
        (51, 'E'),
        (90, 'E'),
        (91, 'F'),
        (150, 'F'),
        (151, 'G'),
        (280, 'G'),
        (281, 'H'),
        (500, 'H'),
        (501, 'J'),
        (1200, 'J'),
        (1201, 'K'),
        (3200, 'K'),
        (3201, 'L'),
        (10000, 'L'),
        (10001, 'M'),
        (35000, 'M'),
        (35001, 'N'),
        (150000, 'N'),
        (150001, 'P'),
        (500000, 'P'),
        (500001, 'Q'),
        (u64::MAX, 'Q'),
    ];
    for (lot, l) in ii {
        assert_eq!(code_letter(lot, II).unwrap(), l, "lot {lot}");
    }
    assert_eq!(code_letter(500001, III).unwrap(), 'R');
    assert_eq!(code_letter(500001, S1).unwrap(), 'D');
    assert_eq!(code_letter(3200, S3).unwrap(), 'E');
    assert_eq!(code_letter(3201, S3).unwrap(), 'F');
    assert!(code_letter(0, II).is_err());
}

#[test]
fn hundred_percent_inspection_when_the_sample_is_the_lot() {
    // lot 10, II -> B; AQL 0.65 -> arrow down to F (n = 20) >= lot: inspect all 10.
    let got = p(10, "0.65", II, Normal);
    assert!(got.hundred_percent);
    assert_eq!(
        (
            got.sample_size,
            got.table_sample_size,
            got.accept,
            got.reject
        ),
        (10, 20, 0, 1)
    );
    let got = p(2, "6.5", II, Normal);
    assert!(got.hundred_percent);
    assert_eq!(got.sample_size, 2);
    assert!(!p(2400, "2.5", II, Normal).hundred_percent);
}

/// A row of a transcribed table (`severity,letter,aql,...`; the header and `#` comments
/// left out): the line, its fields, and the severity, code letter and AQL it names.
struct TableRow<'a> {
    line: &'a str,
    f: Vec<&'a str>,
    sev: Severity,
    letter: char,
    aql: Aql,
}

/// Checks every row of the transcribed table `text` with `check`; the table must have
/// `rows` rows.
fn check_table_rows(text: &str, rows: usize, check: impl Fn(&TableRow)) {
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        check(&TableRow {
            line,
            sev: Severity::parse(f[0]).unwrap(),
            letter: f[1].chars().next().unwrap(),
            aql: aql(f[2]),
            f,
        });
        checked += 1;
    }
    assert_eq!(checked, rows);
}

#[test]
fn every_cell_equals_an_independent_transcription_of_z14() {
    let text = include_str!("data/z14_single_resolved.csv");
    check_table_rows(text, 2 * 16 * 26, |row| {
        let (line, f) = (row.line, &row.f);
        let (n, ac, re): (u64, u32, u32) = (
            f[3].parse().unwrap(),
            f[4].parse().unwrap(),
            f[5].parse().unwrap(),
        );
        let got = plan_for_code_letter(u64::MAX, row.letter, row.aql, II, row.sev).unwrap();
        assert_eq!(
            (got.sample_size, got.accept, got.reject),
            (n, ac, re),
            "{line}"
        );
    });
}

#[test]
fn printed_cells_equal_an_independent_extraction_of_iso_2859_1() {
    let text = include_str!("data/iso2859_own_cells.csv");
    check_table_rows(text, 2 * 16 * 15, |row| {
        let (line, f) = (row.line, &row.f);
        let cell = table_cell(row.sev, row.letter, row.aql).unwrap();
        match (f[3], cell) {
            ("arrow", Cell::Up | Cell::Down) => {}
            (ac, Cell::Plan { accept, reject }) => {
                assert_eq!(ac.parse::<u32>().unwrap(), accept, "{line}");
                assert_eq!(reject, accept + 1);
            }
            _ => panic!("{line}: {cell:?}"),
        }
    });
}

#[test]
fn aqls_of_the_standard_only() {
    assert_eq!(Aql::all().count(), 26);
    for bad in ["3", "0.5", "2.6", "0", "-1", "abc", "", "1001", "nan"] {
        assert!(
            matches!(Aql::parse(bad), Err(QcError::UnknownAql { .. })),
            "{bad}"
        );
    }
    let e = Aql::parse("3").unwrap_err().to_string();
    assert!(
        e.contains("not in ISO 2859-1") && e.contains("0.010") && e.contains("1000"),
        "{e}"
    );
    assert_eq!(Aql::parse("0.01").unwrap().label(), "0.010");
    assert_eq!(Aql::parse("1e3").unwrap().label(), "1000");
}

fn lots(nonconforming: &[u64], lot_size: u64) -> Vec<LotRecord> {
    nonconforming
        .iter()
        .enumerate()
        .map(|(i, &d)| LotRecord {
            lot: format!("L{}", i + 1),
            lot_size,
            nonconforming: d,
            production_irregular: false,
        })
        .collect()
}

fn cond(a: &str, steady: bool, approved: bool) -> SwitchingConditions {
    SwitchingConditions {
        aql: aql(a),
        level: II,
        start: Normal,
        production_steady: steady,
        authority_approves_reduced: approved,
    }
}

#[test]
fn normal_to_tightened_after_two_of_five_not_accepted() {
    // lot 2400 II AQL 2.5 normal: n 125 Ac 7. Lots 2 and 5 rejected (8 > 7).
    let r =
        apply_switching_rules(&lots(&[0, 8, 1, 2, 9, 0], 2400), cond("2.5", true, false)).unwrap();
    let sev: Vec<Severity> = r.lots.iter().map(|l| l.inspection).collect();
    assert_eq!(sev, [Normal, Normal, Normal, Normal, Normal, Tightened]);
    assert!(r.lots[4].transition.as_ref().unwrap().to == Some(Tightened));
    // Tightened plan for the 6th lot: n 125, Ac 5.
    assert_eq!(
        (r.lots[5].plan.accept, r.lots[5].plan.sample_size),
        (5, 125)
    );
    // Two rejections 5 lots apart (lots 1 and 6 of a run) do not switch.
    let r = apply_switching_rules(
        &lots(&[8, 0, 0, 0, 0, 8, 0], 2400),
        cond("2.5", true, false),
    )
    .unwrap();
    assert!(r.lots.iter().all(|l| l.inspection == Normal));
}

#[test]
fn tightened_back_to_normal_after_five_accepted() {
    let mut c = cond("2.5", true, false);
    c.start = Tightened;
    let r = apply_switching_rules(&lots(&[0, 6, 0, 0, 0, 0, 0, 0], 2400), c).unwrap();
    let sev: Vec<Severity> = r.lots.iter().map(|l| l.inspection).collect();
    // lot 2 not accepted (6 > 5); lots 3-7 accepted -> normal from lot 8.
    assert_eq!(
        sev,
        [
            Tightened, Tightened, Tightened, Tightened, Tightened, Tightened, Tightened, Normal
        ]
    );
    assert_eq!(r.next_inspection, Normal);
}

#[test]
fn discontinue_after_five_not_accepted_on_tightened() {
    let mut c = cond("2.5", true, false);
    c.start = Tightened;
    let r = apply_switching_rules(&lots(&[9, 0, 9, 9, 0, 9, 0, 9], 2400), c).unwrap();
    let i = r
        .lots
        .iter()
        .position(|l| l.transition.as_ref().is_some_and(|t| t.to.is_none()))
        .unwrap();
    assert_eq!(i, 7, "5th rejection on tightened is lot 8");
    assert!(r.discontinued);
    assert_eq!(r.next_inspection, Tightened);
}

#[test]
fn switching_score_and_reduced_inspection() {
    // Ac 7 (>= 2): +3 per lot accepted at the tighter AQL 1.5 (Ac 5). 10 lots -> 30.
    let r = apply_switching_rules(&lots(&[0; 11], 2400), cond("2.5", true, true)).unwrap();
    let scores: Vec<u32> = r.lots.iter().map(|l| l.switching_score).collect();
    assert_eq!(&scores[..10], &[3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
    assert_eq!(r.lots[9].transition.as_ref().unwrap().to, Some(Reduced));
    assert_eq!(r.lots[10].inspection, Reduced);
    assert_eq!(
        (r.lots[10].plan.sample_size, r.lots[10].plan.accept),
        (50, 5)
    );
    // Without the authority's approval (or steady production) it stays normal.
    let r = apply_switching_rules(&lots(&[0; 11], 2400), cond("2.5", true, false)).unwrap();
    assert!(r.lots.iter().all(|l| l.inspection == Normal));
    assert!(r.switching_score >= 30);
    let r = apply_switching_rules(&lots(&[0; 11], 2400), cond("2.5", false, true)).unwrap();
    assert!(r.lots.iter().all(|l| l.inspection == Normal));
    // A lot accepted (6 <= 7) but not at the tighter AQL (6 > 5) resets the score.
    let r = apply_switching_rules(&lots(&[0, 0, 6, 0], 2400), cond("2.5", true, true)).unwrap();
    let scores: Vec<u32> = r.lots.iter().map(|l| l.switching_score).collect();
    assert_eq!(scores, [3, 6, 0, 3]);
    // Ac 0 or 1: +2 per accepted lot (lot 500 II AQL 1.0: H, n 50, 1/2).
    let r = apply_switching_rules(&lots(&[1; 16], 500), cond("1.0", true, true)).unwrap();
    assert_eq!(r.lots[0].switching_score, 2);
    assert_eq!(r.lots[14].switching_score, 30);
    assert_eq!(r.lots[15].inspection, Reduced);
}

#[test]
fn reduced_back_to_normal() {
    let mut c = cond("2.5", true, true);
    c.start = Reduced;
    // lot 2400 reduced: n 50, Ac 5; 6 nonconforming -> not accepted -> normal.
    let r = apply_switching_rules(&lots(&[0, 6, 0], 2400), c).unwrap();
    let sev: Vec<Severity> = r.lots.iter().map(|l| l.inspection).collect();
    assert_eq!(sev, [Reduced, Reduced, Normal]);
    // Irregular production also ends reduced inspection.
    let mut h = lots(&[0, 0, 0], 2400);
    h[0].production_irregular = true;
    let r = apply_switching_rules(&h, c).unwrap();
    assert_eq!(r.lots[1].inspection, Normal);
}

#[test]
fn history_csv() {
    let text = "lot,nonconforming,lot_size\nA1,0,2400\nA2,3,\n";
    let h = read_history("h.csv", text, Some(1000)).unwrap();
    assert_eq!(h[1].lot_size, 1000);
    let e = read_history("h.csv", "lot,nonconforming\nA1,x\n", Some(10))
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 2") && e.contains("`x`"), "{e}");
    assert!(read_history("h.csv", "lot,defects\nA1,1\n", None).is_err());
}
