//! Files written by other EDA tools (Cadence Allegro's IPC-2581 test cases, an
//! Altium ODB++ archive): read without error, and the counts equal an independent
//! count of the same file by Python's own XML parser and tarfile module.

use pogo_board::Board;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Counts an IPC-2581 file with xml.etree: components; pads (distinct component,
/// pin, place and pad stack over copper, mask and paste layers); via holes; net names
/// of copper pads and via holes; pads in test point sets.
const IPC_COUNT: &str = r#"
import json, lzma, sys, xml.etree.ElementTree as ET
ns = '{http://webstds.ipc.org/2581}'
root = ET.parse(lzma.open(sys.argv[1])).getroot()
step = root.find(f'{ns}Ecad/{ns}CadData/{ns}Step')
layers = {l.get('name'): l for l in root.iter(f'{ns}Layer')}
copper = {'CONDUCTOR', 'SIGNAL', 'PLANE', 'MIXED', 'CONDFILM', 'CONDFOIL'}
def role(name):
    l = layers.get(name)
    f = l.get('layerFunction', '') if l is not None else ''
    side = l.get('side', '') if l is not None else ''
    if f in copper: return 'copper'
    if f in ('SOLDERMASK', 'SOLDERPASTE') and side in ('TOP', 'BOTTOM'): return 'other'
    return None
pads, nets, vias, tps = set(), set(), 0, set()
for lf in step.iter(f'{ns}LayerFeature'):
    r = role(lf.get('layerRef'))
    for s in lf.findall(f'{ns}Set'):
        net = s.get('net')
        for h in s.findall(f'{ns}Hole'):
            if h.get('platingStatus') == 'VIA':
                vias += 1
                if net and net != 'No Net': nets.add(net)
        if r is None: continue
        for p in s.findall(f'{ns}Pad'):
            pr = p.find(f'{ns}PinRef')
            if pr is None: continue
            loc = p.find(f'{ns}Location')
            key = (pr.get('componentRef', ''), pr.get('pin'), round(float(loc.get('x')), 6), round(float(loc.get('y')), 6), p.get('padstackDefRef'))
            pads.add(key)
            if s.get('testPoint') == 'true': tps.add(key)
            if r == 'copper' and net and net != 'No Net': nets.add(net)
print(json.dumps({'components': len(step.findall(f'{ns}Component')), 'pads': len(pads), 'vias': vias, 'nets': len(nets), 'test_points': len(tps)}))
"#;

/// Counts an ODB++ archive with tarfile: CMP and TOP records of the component
/// layers, and the net names those pins use.
const ODB_COUNT: &str = r#"
import json, sys, tarfile
t = tarfile.open(sys.argv[1])
comps = pins = 0
nets = set()
names = []
for m in t.getmembers():
    if m.name.lower().endswith('/eda/data'):
        names = [l[4:].split(';')[0].strip() for l in t.extractfile(m).read().decode('latin-1').splitlines() if l.startswith('NET ')]
for m in t.getmembers():
    if m.isfile() and m.name.lower().endswith('/components'):
        for l in t.extractfile(m).read().decode('latin-1').splitlines():
            w = l.split()
            if not w: continue
            if w[0] == 'CMP': comps += 1
            if w[0] == 'TOP':
                pins += 1
                n = int(w[6])
                if 0 <= n < len(names) and names[n] != '$NONE$': nets.add(names[n])
print(json.dumps({'components': comps, 'pads': pins, 'nets': len(nets)}))
"#;

fn python(script: &str, file: &Path) -> Value {
    let out = pogo_testdata::stdout_of(Command::new("python3").arg("-c").arg(script).arg(file));
    serde_json::from_str(&out).unwrap()
}

/// Our count of `key` equals the count the Python script printed under `key`.
fn count_is_pythons(file: &Path, key: &str, ours: usize, python: &Value) {
    assert_eq!(
        ours as u64,
        python[key].as_u64().unwrap(),
        "{} {key}",
        file.display()
    );
}

fn pad_nets(board: &Board) -> usize {
    let mut names = BTreeSet::new();
    for p in &board.pads {
        names.insert(board.net_name(p.net));
    }
    for v in &board.vias {
        names.insert(board.net_name(v.net));
    }
    names.remove("");
    names.len()
}

#[test]
fn allegro_ipc2581_test_cases_read_and_count_as_python_counts() {
    let Some(dir) = pogo_testdata::shared("data/ipc2581-allegro", "allegro_ipc2581") else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".xml.xz"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 4);
    for f in files {
        let board = pogo_board::read_file(&f).unwrap_or_else(|e| panic!("{e}"));
        let want = python(IPC_COUNT, &f);
        count_is_pythons(&f, "components", board.footprints.len(), &want);
        count_is_pythons(&f, "pads", board.pads.len(), &want);
        count_is_pythons(&f, "vias", board.vias.len(), &want);
        count_is_pythons(&f, "nets", pad_nets(&board), &want);
        let tps = board.pads.iter().filter(|p| p.test_point_property).count();
        count_is_pythons(&f, "test_points", tps, &want);
        assert!(
            board.outline.is_some() && board.thickness_mm.is_some(),
            "{}",
            f.display()
        );
    }
}

#[test]
fn altium_odb_archive_reads_and_counts_as_python_counts() {
    let Some(dir) = pogo_testdata::shared("data/odb-altium", "altium_odb") else {
        return;
    };
    let f = dir.join("sandbox-odb_wifi.tgz");
    let board = pogo_board::read_file(&f).unwrap_or_else(|e| panic!("{e}"));
    let want = python(ODB_COUNT, &f);
    count_is_pythons(&f, "components", board.footprints.len(), &want);
    count_is_pythons(&f, "pads", board.pads.len(), &want);
    let nets: BTreeSet<&str> = board
        .pads
        .iter()
        .map(|p| board.net_name(p.net))
        .filter(|n| !n.is_empty())
        .collect();
    count_is_pythons(&f, "nets", nets.len(), &want);
    // Altium writes bottom parts unmirrored in comp_+_bot: the side is the layer's.
    assert!(
        board
            .footprints
            .iter()
            .any(|f| f.side == pogo_board::Side::Bottom)
    );
    assert!(board.outline.is_some());
}
