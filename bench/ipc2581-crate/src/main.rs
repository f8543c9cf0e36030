//! The MIT `ipc2581` crate's own parser on one IPC-2581 file, for bench/cam.sh:
//! reads the (plain) file, parses it, prints the revision and the count of steps.
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: ipc2581-crate-bench FILE.xml");
    let t = Instant::now();
    let doc = ipc2581::Ipc2581::parse_file(&path).expect("the crate parses the file");
    let steps = doc.ecad().map(|e| e.cad_data.steps.len()).unwrap_or(0);
    eprintln!("revision {} steps {steps} in {:.3} s", doc.revision(), t.elapsed().as_secs_f64());
}
