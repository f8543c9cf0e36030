//! Every parser of pogo-qc on mutated and random input: an error or a value, never a
//! panic or a hang.

use pogo_qc::discontinuity::{Encoding, TraceConfig, scan};
use pogo_qc::measurements::{Limits, evaluate, read_measurements};
use pogo_qc::sampling::{Aql, read_history};
use pogo_qc::spc;
use pogo_testdata::Xorshift;

const PIECES: &[&str] = &[
    ",",
    "\n",
    "\"",
    "\r\n",
    "#",
    "mohm",
    "Ω",
    "µm",
    "N",
    "gf",
    "deg",
    "-",
    "1e308",
    "NaN",
    "inf",
    "0",
    "P1",
    "contact_resistance",
    "height",
    "tilt",
    "é",
    "\u{feff}",
    " ",
    "=",
    "[",
    "]",
    "1.5",
    "cycle",
    "99999999999999999999",
];

fn mutate(rng: &mut Xorshift, base: &str) -> String {
    let mut s: Vec<char> = base.chars().collect();
    for _ in 0..1 + rng.index(6) {
        let at = rng.index(s.len() + 1);
        match rng.index(3) {
            0 if !s.is_empty() && at < s.len() => {
                s.remove(at);
            }
            1 => {
                let p: Vec<char> = PIECES[rng.index(PIECES.len())].chars().collect();
                s.splice(at..at, p);
            }
            _ => s.insert(at, char::from_u32(rng.index(0x3000) as u32).unwrap_or('x')),
        }
    }
    s.into_iter().collect()
}

const MEASUREMENTS: &str = "pin,kind,value,unit,cycle,station\nP1,contact_resistance,12,mohm,0,A\nP1,contact_resistance,0.03,Ω,100,A\nP2,height,10.01,mm,,A\nP3,height,10.2,mm,,A\nP2,tilt,0.4,deg,,\nP4,spring_force,150,gf,,B\nP4,return_height,5,mm,0,B\nP4,return_height,4.9,mm,100,B\n";

#[test]
fn measurement_csv_never_panics() {
    let mut rng = Xorshift(0x1234_5678_9abc_def1);
    let limits = Limits::default();
    let mut ok = 0;
    for _ in 0..3000 {
        let text = mutate(&mut rng, MEASUREMENTS);
        if let Ok(ms) = read_measurements("m.csv", &text) {
            ok += 1;
            let e = evaluate(&ms, None, &limits);
            let _ = serde_json::to_string(&e).unwrap();
            let _ = pogo_qc::report::evaluation_html("t", &e);
        }
    }
    assert!(ok > 100, "mutations should often stay valid ({ok})");
}

#[test]
fn limits_history_and_spc_never_panic() {
    let mut rng = Xorshift(42);
    for _ in 0..2000 {
        let t = mutate(
            &mut rng,
            "[contact_resistance]\nmax_mohm = 40.0\n[height]\nmax_spread_mm = 0.1\n",
        );
        let _ = Limits::from_toml("l.toml", &t);
        let h = mutate(&mut rng, "lot,nonconforming,lot_size\n1,0,2400\n2,3,2400\n");
        let _ = read_history("h.csv", &h, Some(500));
        let d = mutate(&mut rng, "x,y\n1,2\n3,4\n5,6\n7,8\n");
        if let Ok(v) = spc::read_column("d.csv", &d, "y") {
            for k in [1, 2, 3, 12] {
                if let Ok(r) = spc::analyze(
                    &v,
                    &spc::SpcOptions {
                        subgroup: k,
                        lsl: None,
                        usl: None,
                        rules: spc::RuleSet::Nelson,
                    },
                ) {
                    let _ = pogo_qc::report::spc_html("t", &r);
                }
            }
        }
        let a = mutate(&mut rng, "2.5");
        let _ = Aql::parse(&a);
    }
}

#[test]
fn traces_never_panic() {
    let mut rng = Xorshift(7);
    for i in 0..600 {
        let len = rng.index(3000);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        let encoding = [Encoding::F32Le, Encoding::I16Le, Encoding::Csv][i % 3];
        let cfg = TraceConfig {
            encoding,
            channels: 1 + rng.index(5),
            sample_rate_hz: 1e6,
            scale_ohm_per_count: 0.01,
            threshold_ohm: 10.0,
            min_duration_s: 1e-6 * rng.index(10) as f64,
        };
        let _ = scan(&bytes[..], cfg, "t", |_| {}, |_| {});
        let text = mutate(&mut rng, "a,b\n0.1,0.2\n20,0.3\n20,30\n0.1,nan\n");
        let _ = scan(
            text.as_bytes(),
            TraceConfig {
                encoding: Encoding::Csv,
                channels: 2,
                ..cfg
            },
            "t.csv",
            |_| {},
            |_| {},
        );
    }
}
