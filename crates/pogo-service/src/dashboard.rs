//! The dashboard: server-rendered HTML with inline SVG, no scripts, no outside assets.
//!
//! Pages: `/` (fixtures and their health), `/fixtures/{id}` (probe map coloured by
//! health, wear charts with limit and forecast, Pareto of contact failures, runs per
//! day and first-pass yield, due list, maintenance form and log), `/stations`,
//! `/maintenance`. The admin signs in at `/login` with the admin token, kept in an
//! HttpOnly, SameSite=Strict cookie; the token is never written into a page.

use crate::http::AppState;
use crate::{
    Caller, FixtureStatus, MaintenanceKind, MaintenanceRequest, ProbeVerdict, ServiceError,
};
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use pogo_qc::report::{bar_chart, html_escape as esc, page};
use pogo_text::{HtmlTable, TableCell};

use serde::Deserialize;
use std::fmt::Write;
use std::sync::Arc;

const COOKIE: &str = "pogo_token";

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(index))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/fixtures/{id}", get(fixture_page))
        .route("/fixtures/{id}/maintenance", post(maintenance_form))
        .route("/stations", get(stations_page))
        .route("/maintenance", get(maintenance_page))
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// The signed-in admin, or the answer that sends a person to the login page.
async fn admin(s: &AppState, headers: &HeaderMap) -> Result<(), Response> {
    let Some(token) = cookie_token(headers) else {
        return Err(Redirect::to("/login").into_response());
    };
    match s.db.authenticate(&token).await {
        Ok(Caller::Admin) => Ok(()),
        Ok(_) => Err((
            StatusCode::FORBIDDEN,
            Html(page(
                "pogo: forbidden",
                "<p>The dashboard needs the admin token.</p>",
            )),
        )
            .into_response()),
        Err(_) => Err(Redirect::to("/login").into_response()),
    }
}

fn nav(body: &str) -> String {
    format!(
        "<nav><a href=\"/\">Fixtures</a> · <a href=\"/stations\">Stations</a> · \
         <a href=\"/maintenance\">Maintenance log</a> · <form method=\"post\" action=\"/logout\" \
         style=\"display:inline\"><button>Sign out</button></form></nav>\n{body}"
    )
}

fn error_page(e: ServiceError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let msg = match &e {
        ServiceError::Database(_) => "database error".to_string(),
        e => e.to_string(),
    };
    (
        status,
        Html(page(
            "pogo: error",
            &nav(&format!("<p class=\"fail\">{}</p>", esc(&msg))),
        )),
    )
        .into_response()
}

async fn login_form() -> Html<String> {
    Html(page(
        "pogo: sign in",
        "<h1>pogo fixture service</h1>\n<form method=\"post\" action=\"/login\">\
         <label>Admin token <input type=\"password\" name=\"token\" autocomplete=\"off\"></label> \
         <button type=\"submit\">Sign in</button></form>\n\
         <p class=\"note\">The admin token is in the data directory's <code>admin-token</code> file.</p>\n",
    ))
}

#[derive(Deserialize)]
struct LoginForm {
    token: String,
}

async fn login(State(s): State<Arc<AppState>>, Form(f): Form<LoginForm>) -> Response {
    match s.db.authenticate(&f.token).await {
        Ok(Caller::Admin) => {
            let mut r = Redirect::to("/").into_response();
            let cookie = format!(
                "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
                f.token.trim()
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            r
        }
        _ => (
            StatusCode::UNAUTHORIZED,
            Html(page(
                "pogo: sign in",
                "<p class=\"fail\">Wrong token.</p><p><a href=\"/login\">Try again</a></p>",
            )),
        )
            .into_response(),
    }
}

async fn logout() -> Response {
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("pogo_token=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    r
}

async fn index(State(s): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Err(r) = admin(&s, &headers).await {
        return r;
    }
    match index_body(&s).await {
        Ok(body) => Html(page("pogo: fixtures", &nav(&body))).into_response(),
        Err(e) => error_page(e),
    }
}

async fn index_body(s: &AppState) -> crate::Result<String> {
    let now = chrono::Utc::now();
    let mut b = String::from("<h1>Fixtures in service</h1>\n");
    let mut table = HtmlTable::without_sections(
        &mut b,
        &[
            ("fixture", ""),
            ("board", ""),
            ("actuations", ""),
            ("runs", ""),
            ("probes", ""),
            ("failing", ""),
            ("marginal", ""),
            ("maintenance due", ""),
        ],
    );
    for id in s.db.fixture_ids().await? {
        let f = s.db.fixture_status(&id, &s.config, now).await?;
        let due = crate::store::due_items(&f, &s.config);
        let overdue = due.iter().filter(|d| d.overdue).count();
        // A count of probes of `verdict`, in its colour when there is one.
        let count = |verdict: ProbeVerdict| {
            let n = f.count(verdict);
            TableCell::text(n).class(if n > 0 { verdict.name() } else { "pass" })
        };
        table.row(&[
            fixture_link(&f.id),
            TableCell::text(&f.board_file),
            TableCell::text(f.actuations_total),
            TableCell::text(f.runs_total),
            TableCell::text(f.probes.len()),
            count(ProbeVerdict::Fail),
            count(ProbeVerdict::Marginal),
            TableCell::html(if overdue > 0 {
                format!(
                    "<span class=\"marginal\">{overdue} now</span>, {} soon",
                    due.len() - overdue
                )
            } else {
                format!("{} soon", due.len())
            }),
        ]);
    }
    table.end();
    Ok(b)
}

/// A table cell linking to the page of fixture `id`.
fn fixture_link(id: &str) -> TableCell<'static> {
    TableCell::html(format!("<a href=\"/fixtures/{0}\">{0}</a>", esc(id)))
}

async fn fixture_page(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = admin(&s, &headers).await {
        return r;
    }
    match fixture_body(&s, &id).await {
        Ok(body) => Html(page(&format!("pogo: fixture {id}"), &nav(&body))).into_response(),
        Err(e) => error_page(e),
    }
}

fn verdict_colour(v: ProbeVerdict) -> &'static str {
    match v {
        ProbeVerdict::NotMeasured => "#9e9e9e",
        ProbeVerdict::Pass => "#4c8c4a",
        ProbeVerdict::Marginal => "#d08a00",
        ProbeVerdict::Fail => "#b00020",
    }
}

/// The probe map: the board outline and each probe as a dot coloured by its verdict,
/// top side probes filled, bottom side probes ringed (seen from the top).
fn probe_map(f: &FixtureStatus, fixture: Option<&pogo_fixture::Fixture>) -> String {
    let mut xs: Vec<f64> = f.probes.iter().map(|p| p.x_mm).collect();
    let mut ys: Vec<f64> = f.probes.iter().map(|p| p.y_mm).collect();
    if let Some(b) = fixture.map(|x| x.board.outline_bbox) {
        xs.extend([b[0], b[2]]);
        ys.extend([b[1], b[3]]);
    }
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (x0, x1, y0, y1) = (min(&xs), max(&xs), min(&ys), max(&ys));
    if !(x0.is_finite() && y0.is_finite()) {
        return String::new();
    }
    let pad = 3.0;
    let (w, h) = (x1 - x0 + 2.0 * pad, y1 - y0 + 2.0 * pad);
    let scale = (700.0 / w).min(420.0 / h);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0}\" height=\"{:.0}\" viewBox=\"{:.3} {:.3} {w:.3} {h:.3}\" role=\"img\" aria-label=\"probe map\">\n",
        w * scale,
        h * scale,
        x0 - pad,
        y0 - pad
    );
    if let Some(fx) = fixture {
        for poly in &fx.board.outline {
            let pts: Vec<String> = poly
                .outer
                .iter()
                .map(|p| format!("{:.3},{:.3}", p.x, p.y))
                .collect();
            let _ = writeln!(
                s,
                "<polygon points=\"{}\" fill=\"#e8efe3\" stroke=\"#555\" stroke-width=\"{:.3}\"/>",
                pts.join(" "),
                1.0 / scale
            );
        }
    }
    let r = (6.0 / scale).max(0.4);
    for p in &f.probes {
        let c = verdict_colour(p.verdict);
        let (fill, stroke) = if p.side == "bottom" {
            ("none", c)
        } else {
            (c, "#222")
        };
        let _ = writeln!(
            s,
            "<circle cx=\"{:.3}\" cy=\"{:.3}\" r=\"{r:.3}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{:.3}\"><title>{} ({}, {}): {}</title></circle>",
            p.x_mm,
            p.y_mm,
            2.0 / scale,
            esc(&p.id),
            esc(&p.net),
            p.side,
            p.verdict.name()
        );
        let _ = writeln!(
            s,
            "<text x=\"{:.3}\" y=\"{:.3}\" font-size=\"{:.3}\" fill=\"#222\">{}</text>",
            p.x_mm + r * 1.2,
            p.y_mm - r * 1.2,
            10.0 / scale,
            esc(&p.id)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Resistance against actuations since install: the kept points, the fitted line up
/// to the forecast, and the part's limit.
fn wear_chart(p: &crate::ProbeStatus, points: &[crate::TrendPoint]) -> String {
    const W: f64 = 520.0;
    const H: f64 = 220.0;
    const ML: f64 = 60.0;
    const MR: f64 = 20.0;
    const MT: f64 = 26.0;
    const MB: f64 = 34.0;
    let x_max = (p.forecast_actuations.max(p.actuations_since_install).max(1) as f64) * 1.05;
    let mut y_lo = p.limit_mohm * 0.0;
    let mut y_hi = p.limit_mohm * 1.15;
    for t in points {
        y_hi = y_hi.max(t.resistance_mohm * 1.05);
        y_lo = y_lo.min(t.resistance_mohm);
    }
    let px = |x: f64| ML + (W - ML - MR) * x / x_max;
    let py = |y: f64| MT + (H - MT - MB) * (1.0 - (y - y_lo) / (y_hi - y_lo).max(1e-9));
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"wear of {0}\">\
         <text x=\"{ML}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{0}: contact resistance against actuations since install</text>\
         <rect x=\"{ML}\" y=\"{MT}\" width=\"{1}\" height=\"{2}\" fill=\"none\" stroke=\"#999\"/>\n",
        esc(&p.id),
        W - ML - MR,
        H - MT - MB
    );
    for k in 0..=4 {
        let v = y_lo + (y_hi - y_lo) * k as f64 / 4.0;
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\">{v:.0} mOhm</text>",
            ML - 4.0,
            py(v) + 3.0
        );
        let a = x_max * k as f64 / 4.0;
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{a:.0}</text>",
            px(a),
            H - MB + 13.0
        );
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">actuations since install</text>",
        ML + (W - ML - MR) / 2.0,
        H - 4.0
    );
    let _ = write!(
        s,
        "<line x1=\"{ML}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#b00020\" stroke-dasharray=\"6 4\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#b00020\" text-anchor=\"end\">limit {:.0} mOhm</text>",
        W - MR,
        W - MR - 2.0,
        py(p.limit_mohm) - 3.0,
        p.limit_mohm,
        y = py(p.limit_mohm)
    );
    let pts: Vec<String> = points
        .iter()
        .map(|t| {
            format!(
                "{:.1},{:.1}",
                px(t.actuations_since_install as f64),
                py(t.resistance_mohm)
            )
        })
        .collect();
    if !pts.is_empty() {
        let _ = write!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"1.2\"/>",
            pts.join(" ")
        );
    }
    if let Some(line) = p.wear {
        let at = |x: f64| line.intercept_mohm + line.slope_mohm_per_kactuation * x / 1000.0;
        let xf = p.forecast_actuations as f64;
        let _ = write!(
            s,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#555\" stroke-dasharray=\"3 3\"/>\
             <circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"none\" stroke=\"#555\"><title>forecast: {} actuations</title></circle>",
            px(0.0),
            py(at(0.0)),
            px(xf),
            py(at(xf)),
            px(xf),
            py(at(xf)),
            p.forecast_actuations
        );
    }
    s.push_str("</svg>\n");
    s
}

async fn fixture_body(s: &AppState, id: &str) -> crate::Result<String> {
    let now = chrono::Utc::now();
    let f = s.db.fixture_status(id, &s.config, now).await?;
    let json = s.db.fixture_json(id).await?;
    let fixture = pogo_fixture::Fixture::from_json("fixture.json", &json).ok();
    let due = crate::store::due_items(&f, &s.config);
    let mut b = format!(
        "<h1>Fixture {}</h1>\n<p>Board <b>{}</b> · {} lifetime actuations · {} runs · {} probes: \
         <span class=\"fail\">{} failing</span>, <span class=\"marginal\">{} marginal</span>{}</p>\n",
        esc(&f.id),
        esc(&f.board_file),
        f.actuations_total,
        f.runs_total,
        f.probes.len(),
        f.count(ProbeVerdict::Fail),
        f.count(ProbeVerdict::Marginal),
        f.actuations_per_day
            .map(|r| format!(" · {r:.0} actuations per day"))
            .unwrap_or_default()
    );
    b.push_str("<h2>Probe map</h2>\n<p class=\"note\">Seen from the top: top-side probes filled, bottom-side probes ringed; green pass, amber marginal, red fail, grey not measured.</p>\n");
    b.push_str(&probe_map(&f, fixture.as_ref()));

    b.push_str("<h2>Due</h2>\n");
    if due.is_empty() {
        b.push_str("<p>Nothing due.</p>\n");
    } else {
        let mut table = HtmlTable::without_sections(
            &mut b,
            &[("probe", ""), ("action", ""), ("when", ""), ("why", "")],
        );
        for d in &due {
            table.row(&[
                TableCell::text(&d.probe),
                TableCell::text(match d.action {
                    crate::DueAction::Replace => "replace",
                    crate::DueAction::Clean => "clean",
                }),
                if d.overdue {
                    TableCell::html("<span class=\"fail\">now</span>")
                } else {
                    TableCell::text(d.due_date.as_deref().unwrap_or("-"))
                },
                TableCell::text(&d.reason),
            ]);
        }
        table.end();
    }

    b.push_str("<h2>Probes</h2>\n");
    let mut table = HtmlTable::without_sections(
        &mut b,
        &[
            ("probe", ""),
            ("net", ""),
            ("side", ""),
            ("verdict", ""),
            ("last mOhm", ""),
            ("baseline mOhm", ""),
            ("limit mOhm", ""),
            ("actuations since install", ""),
            ("since cleaning", ""),
            ("wear mOhm / 1000", ""),
            ("forecast actuations", ""),
            ("forecast date", ""),
            ("failures", ""),
        ],
    );
    for p in &f.probes {
        let opt = |v: Option<f64>| v.map(|x| format!("{x:.2}")).unwrap_or_else(|| "-".into());
        table.row(&[
            TableCell::text(&p.id),
            TableCell::text(&p.net),
            TableCell::text(&p.side),
            TableCell::text(p.verdict.name()).class(p.verdict.name()),
            TableCell::text(opt(p.last_resistance_mohm)),
            TableCell::text(opt(p.baseline_mohm)),
            TableCell::text(format_args!("{:.1}", p.limit_mohm)),
            TableCell::text(p.actuations_since_install),
            TableCell::text(p.actuations_since_clean),
            TableCell::text(opt(p.wear.map(|w| w.slope_mohm_per_kactuation))),
            TableCell::text(p.forecast_actuations),
            TableCell::text(p.forecast_date.as_deref().unwrap_or("-")),
            TableCell::text(p.failures_total),
        ]);
    }
    table.end();

    b.push_str("<h2>Wear</h2>\n<p class=\"note\">The probes nearest their forecast first; dashed grey: the fitted trend up to the forecast.</p>\n");
    let mut by_urgency: Vec<&crate::ProbeStatus> = f.probes.iter().collect();
    by_urgency.sort_by_key(|p| {
        (
            std::cmp::Reverse(p.verdict),
            p.forecast_actuations
                .saturating_sub(p.actuations_since_install),
        )
    });
    for p in by_urgency.iter().take(6) {
        let points = s.db.trend(id, &p.id).await?;
        b.push_str(&wear_chart(p, &points));
    }

    b.push_str("<h2>Contact failures by probe (Pareto)</h2>\n");
    let mut pareto: Vec<&crate::ProbeStatus> =
        f.probes.iter().filter(|p| p.failures_total > 0).collect();
    pareto.sort_by_key(|p| std::cmp::Reverse(p.failures_total));
    if pareto.is_empty() {
        b.push_str("<p>No contact failures.</p>\n");
    } else {
        let bars: Vec<(String, f64, Option<f64>, pogo_qc::Verdict)> = pareto
            .iter()
            .take(30)
            .map(|p| {
                (
                    p.id.clone(),
                    p.failures_total as f64,
                    None,
                    pogo_qc::Verdict::Fail,
                )
            })
            .collect();
        b.push_str(&bar_chart(
            "failed contact resistance readings",
            &bars,
            "",
            0,
        ));
    }

    let days = s.db.days(id, 60).await?;
    b.push_str("<h2>Runs per day and first-pass yield</h2>\n");
    if days.is_empty() {
        b.push_str("<p>No runs yet.</p>\n");
    } else {
        let bars: Vec<(String, f64, Option<f64>, pogo_qc::Verdict)> = days
            .iter()
            .map(|d| {
                (
                    d.day[5..].to_string(),
                    d.runs as f64,
                    None,
                    pogo_qc::Verdict::Pass,
                )
            })
            .collect();
        b.push_str(&bar_chart("runs per day", &bars, "", 0));
        let fpy: Vec<(String, f64, Option<f64>, pogo_qc::Verdict)> = days
            .iter()
            .filter(|d| d.first_tests > 0)
            .map(|d| {
                let y = 100.0 * d.first_passes as f64 / d.first_tests as f64;
                let v = if y >= 95.0 {
                    pogo_qc::Verdict::Pass
                } else if y >= 90.0 {
                    pogo_qc::Verdict::Marginal
                } else {
                    pogo_qc::Verdict::Fail
                };
                (d.day[5..].to_string(), y, None, v)
            })
            .collect();
        b.push_str(&bar_chart("first-pass yield", &fpy, "%", 1));
    }

    b.push_str("<h2>Record maintenance</h2>\n");
    let _ = write!(
        b,
        "<form method=\"post\" action=\"/fixtures/{}/maintenance\">\
         <label>Kind <select name=\"kind\"><option value=\"replace_probe\">replace probe</option>\
         <option value=\"clean\">clean</option><option value=\"replace_all\">replace all probes</option></select></label> \
         <label>Probe <select name=\"probe\"><option value=\"\">(all)</option>",
        esc(id)
    );
    for p in &f.probes {
        let _ = write!(b, "<option value=\"{0}\">{0}</option>", esc(&p.id));
    }
    b.push_str("</select></label> <label>Note <input name=\"note\" size=\"30\"></label> <button type=\"submit\">Record</button></form>\n");
    b.push_str("<h2>Maintenance log</h2>\n");
    b.push_str(&log_table(&s.db.maintenance_log(Some(id), 50).await?));
    Ok(b)
}

fn log_table(events: &[crate::MaintenanceEvent]) -> String {
    if events.is_empty() {
        return "<p>No maintenance recorded.</p>\n".into();
    }
    let mut b = String::new();
    let mut table = HtmlTable::without_sections(
        &mut b,
        &[
            ("recorded", ""),
            ("fixture", ""),
            ("kind", ""),
            ("probe", ""),
            ("at actuations", ""),
            ("note", ""),
        ],
    );
    for e in events {
        table.row(&[
            TableCell::text(&e.recorded_at),
            fixture_link(&e.fixture),
            TableCell::text(&e.kind),
            TableCell::text(e.probe.as_deref().unwrap_or("all")),
            TableCell::text(e.actuations_total),
            TableCell::text(&e.note),
        ]);
    }
    table.end();
    b
}

#[derive(Deserialize)]
struct MaintenanceForm {
    kind: MaintenanceKind,
    #[serde(default)]
    probe: String,
    #[serde(default)]
    note: String,
}

async fn maintenance_form(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<MaintenanceForm>,
) -> Response {
    if let Err(r) = admin(&s, &headers).await {
        return r;
    }
    let request = MaintenanceRequest {
        kind: f.kind,
        probe: (!f.probe.is_empty()).then_some(f.probe),
        note: (!f.note.is_empty()).then_some(f.note),
    };
    match s.db.record_maintenance(&id, &request).await {
        Ok(_) => Redirect::to(&format!("/fixtures/{id}")).into_response(),
        Err(e) => error_page(e),
    }
}

async fn stations_page(State(s): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Err(r) = admin(&s, &headers).await {
        return r;
    }
    let stations = match s.db.stations().await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let mut b = String::from("<h1>Stations</h1>\n");
    let mut table = HtmlTable::without_sections(
        &mut b,
        &[
            ("station", ""),
            ("fixtures", ""),
            ("runs", ""),
            ("last run", ""),
        ],
    );
    for st in &stations {
        table.row(&[
            TableCell::text(&st.name),
            TableCell::text(if st.fixtures.is_empty() {
                "all".to_string()
            } else {
                st.fixtures.join(", ")
            }),
            TableCell::text(st.runs_total),
            TableCell::text(st.last_run_at.as_deref().unwrap_or("-")),
        ]);
    }
    table.end();
    b.push_str("<p class=\"note\">Add a station with <code>pogo station add NAME</code>.</p>\n");
    Html(page("pogo: stations", &nav(&b))).into_response()
}

async fn maintenance_page(State(s): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Err(r) = admin(&s, &headers).await {
        return r;
    }
    match s.db.maintenance_log(None, 200).await {
        Ok(log) => Html(page(
            "pogo: maintenance log",
            &nav(&format!("<h1>Maintenance log</h1>\n{}", log_table(&log))),
        ))
        .into_response(),
        Err(e) => error_page(e),
    }
}
