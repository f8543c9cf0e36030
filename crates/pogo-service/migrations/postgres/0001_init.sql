-- pogo fixture service, schema 1 (PostgreSQL). Keep in step with ../sqlite/0001_init.sql.
-- Times are RFC 3339 UTC text with millisecond precision (they sort as text).
CREATE TABLE fixtures (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    board_file TEXT NOT NULL,
    board_sha256 TEXT NOT NULL,
    fixture_json TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    actuations_total BIGINT NOT NULL DEFAULT 0,
    runs_total BIGINT NOT NULL DEFAULT 0,
    first_run_at TEXT,
    last_run_at TEXT
);
CREATE TABLE probes (
    fixture_id TEXT NOT NULL REFERENCES fixtures(id),
    probe_id TEXT NOT NULL,
    net TEXT NOT NULL,
    side TEXT NOT NULL,
    x_mm DOUBLE PRECISION NOT NULL,
    y_mm DOUBLE PRECISION NOT NULL,
    part TEXT NOT NULL,
    limit_mohm DOUBLE PRECISION NOT NULL,
    rated_life_actuations BIGINT NOT NULL,
    install_no BIGINT NOT NULL DEFAULT 1,
    installed_at_actuations BIGINT NOT NULL DEFAULT 0,
    cleaned_at_actuations BIGINT NOT NULL DEFAULT 0,
    baseline_mohm DOUBLE PRECISION,
    last_resistance_mohm DOUBLE PRECISION,
    last_verdict TEXT,
    fit_n BIGINT NOT NULL DEFAULT 0,
    fit_sx DOUBLE PRECISION NOT NULL DEFAULT 0,
    fit_sy DOUBLE PRECISION NOT NULL DEFAULT 0,
    fit_sxx DOUBLE PRECISION NOT NULL DEFAULT 0,
    fit_sxy DOUBLE PRECISION NOT NULL DEFAULT 0,
    readings_total BIGINT NOT NULL DEFAULT 0,
    failures_total BIGINT NOT NULL DEFAULT 0,
    trend_bucket BIGINT NOT NULL DEFAULT -1,
    PRIMARY KEY (fixture_id, probe_id)
);
CREATE TABLE probe_trend (
    fixture_id TEXT NOT NULL,
    probe_id TEXT NOT NULL,
    install_no BIGINT NOT NULL,
    actuations_since_install BIGINT NOT NULL,
    resistance_mohm DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (fixture_id, probe_id, install_no, actuations_since_install)
);
CREATE TABLE stations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    all_fixtures BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE station_fixtures (
    station_id BIGINT NOT NULL REFERENCES stations(id),
    fixture_id TEXT NOT NULL,
    PRIMARY KEY (station_id, fixture_id)
);
CREATE TABLE tokens (
    token_sha256 TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    station_id BIGINT REFERENCES stations(id),
    created_at TEXT NOT NULL
);
CREATE TABLE runs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    fixture_id TEXT NOT NULL REFERENCES fixtures(id),
    station_id BIGINT NOT NULL REFERENCES stations(id),
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    actuations BIGINT NOT NULL,
    dut_serial TEXT,
    result TEXT,
    readings BIGINT NOT NULL,
    body_sha256 TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX runs_by_fixture ON runs (fixture_id, finished_at);
CREATE TABLE readings (
    run_id BIGINT NOT NULL,
    probe_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    unit TEXT NOT NULL,
    canonical_value DOUBLE PRECISION NOT NULL,
    verdict TEXT,
    actuations_since_install BIGINT NOT NULL
);
CREATE TABLE fixture_days (
    fixture_id TEXT NOT NULL,
    day TEXT NOT NULL,
    runs BIGINT NOT NULL DEFAULT 0,
    first_tests BIGINT NOT NULL DEFAULT 0,
    first_passes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (fixture_id, day)
);
CREATE TABLE duts (
    fixture_id TEXT NOT NULL,
    serial TEXT NOT NULL,
    PRIMARY KEY (fixture_id, serial)
);
CREATE TABLE maintenance (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fixture_id TEXT NOT NULL REFERENCES fixtures(id),
    probe_id TEXT,
    kind TEXT NOT NULL,
    actuations_total BIGINT NOT NULL,
    note TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX maintenance_by_fixture ON maintenance (fixture_id, id);
