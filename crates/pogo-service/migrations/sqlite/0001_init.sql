-- pogo fixture service, schema 1 (SQLite). Keep in step with ../postgres/0001_init.sql.
-- Times are RFC 3339 UTC text with millisecond precision (they sort as text).
CREATE TABLE fixtures (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    board_file TEXT NOT NULL,
    board_sha256 TEXT NOT NULL,
    fixture_json TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    actuations_total INTEGER NOT NULL DEFAULT 0,
    runs_total INTEGER NOT NULL DEFAULT 0,
    first_run_at TEXT,
    last_run_at TEXT
);
CREATE TABLE probes (
    fixture_id TEXT NOT NULL REFERENCES fixtures(id),
    probe_id TEXT NOT NULL,
    net TEXT NOT NULL,
    side TEXT NOT NULL,
    x_mm REAL NOT NULL,
    y_mm REAL NOT NULL,
    part TEXT NOT NULL,
    limit_mohm REAL NOT NULL,
    rated_life_actuations INTEGER NOT NULL,
    install_no INTEGER NOT NULL DEFAULT 1,
    installed_at_actuations INTEGER NOT NULL DEFAULT 0,
    cleaned_at_actuations INTEGER NOT NULL DEFAULT 0,
    baseline_mohm REAL,
    last_resistance_mohm REAL,
    last_verdict TEXT,
    fit_n INTEGER NOT NULL DEFAULT 0,
    fit_sx REAL NOT NULL DEFAULT 0,
    fit_sy REAL NOT NULL DEFAULT 0,
    fit_sxx REAL NOT NULL DEFAULT 0,
    fit_sxy REAL NOT NULL DEFAULT 0,
    readings_total INTEGER NOT NULL DEFAULT 0,
    failures_total INTEGER NOT NULL DEFAULT 0,
    trend_bucket INTEGER NOT NULL DEFAULT -1,
    PRIMARY KEY (fixture_id, probe_id)
);
CREATE TABLE probe_trend (
    fixture_id TEXT NOT NULL,
    probe_id TEXT NOT NULL,
    install_no INTEGER NOT NULL,
    actuations_since_install INTEGER NOT NULL,
    resistance_mohm REAL NOT NULL,
    PRIMARY KEY (fixture_id, probe_id, install_no, actuations_since_install)
);
CREATE TABLE stations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    all_fixtures INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE station_fixtures (
    station_id INTEGER NOT NULL REFERENCES stations(id),
    fixture_id TEXT NOT NULL,
    PRIMARY KEY (station_id, fixture_id)
);
CREATE TABLE tokens (
    token_sha256 TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    station_id INTEGER REFERENCES stations(id),
    created_at TEXT NOT NULL
);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    fixture_id TEXT NOT NULL REFERENCES fixtures(id),
    station_id INTEGER NOT NULL REFERENCES stations(id),
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    actuations INTEGER NOT NULL,
    dut_serial TEXT,
    result TEXT,
    readings INTEGER NOT NULL,
    body_sha256 TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX runs_by_fixture ON runs (fixture_id, finished_at);
CREATE TABLE readings (
    run_id INTEGER NOT NULL,
    probe_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    value REAL NOT NULL,
    unit TEXT NOT NULL,
    canonical_value REAL NOT NULL,
    verdict TEXT,
    actuations_since_install INTEGER NOT NULL
);
CREATE TABLE fixture_days (
    fixture_id TEXT NOT NULL,
    day TEXT NOT NULL,
    runs INTEGER NOT NULL DEFAULT 0,
    first_tests INTEGER NOT NULL DEFAULT 0,
    first_passes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (fixture_id, day)
);
CREATE TABLE duts (
    fixture_id TEXT NOT NULL,
    serial TEXT NOT NULL,
    PRIMARY KEY (fixture_id, serial)
);
CREATE TABLE maintenance (
    id INTEGER PRIMARY KEY,
    fixture_id TEXT NOT NULL REFERENCES fixtures(id),
    probe_id TEXT,
    kind TEXT NOT NULL,
    actuations_total INTEGER NOT NULL,
    note TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX maintenance_by_fixture ON maintenance (fixture_id, id);
