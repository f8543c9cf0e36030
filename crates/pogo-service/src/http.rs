//! The HTTP side: the JSON API under `/api/v1` and the dashboard pages.
//!
//! Every API request carries `Authorization: Bearer TOKEN`; the dashboard keeps the
//! admin token in an HttpOnly, SameSite=Strict cookie set by its login form. Bodies
//! are read whole (bounded by [`MAX_RUN_BYTES`] and [`MAX_FIXTURE_BYTES`]) and parsed
//! before anything is written.

use crate::{Caller, Database, MaintenanceRequest, Result, ServiceConfig, ServiceError, Stored};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::sync::Arc;

/// Largest body of `POST /api/v1/runs`, bytes.
pub const MAX_RUN_BYTES: usize = 16 * 1024 * 1024;
/// Largest body of `POST /api/v1/fixtures`, bytes.
pub const MAX_FIXTURE_BYTES: usize = 64 * 1024 * 1024;
/// Largest body of the other requests, bytes.
pub const MAX_SMALL_BYTES: usize = 64 * 1024;

/// What every handler shares.
pub struct AppState {
    /// The database.
    pub db: Database,
    /// The service's settings.
    pub config: ServiceConfig,
}

/// The whole service: API and dashboard.
pub fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route(
            "/api/v1/fixtures",
            post(register_fixture)
                .get(list_fixtures)
                .layer(DefaultBodyLimit::max(MAX_FIXTURE_BYTES)),
        )
        .route(
            "/api/v1/runs",
            post(post_run).layer(DefaultBodyLimit::max(MAX_RUN_BYTES)),
        )
        .route("/api/v1/fixtures/{id}", get(get_fixture))
        .route("/api/v1/fixtures/{id}/due", get(get_due))
        .route(
            "/api/v1/fixtures/{id}/maintenance",
            post(post_maintenance).get(get_maintenance),
        )
        .route("/api/v1/stations", get(get_stations));
    let pages = crate::dashboard::routes().layer(DefaultBodyLimit::max(MAX_SMALL_BYTES));
    api.merge(pages).with_state(state)
}

/// An error as the API answers it: its status and `{"error": message}`.
pub struct ApiError(pub ServiceError);

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = match &self.0 {
            // Database details stay on the server.
            ServiceError::Database(_) => "database error".to_string(),
            e => e.to_string(),
        };
        let mut r = (status, axum::Json(serde_json::json!({ "error": message }))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        r
    }
}

type ApiResult<T> = std::result::Result<T, ApiError>;

/// The caller of an API request, from its `Authorization: Bearer` header.
pub async fn api_caller(db: &Database, headers: &HeaderMap) -> Result<Caller> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ServiceError::Unauthorized)?;
    db.authenticate(token).await
}

/// The fixture id of a `/api/fixtures/{id}/...` request whose bearer token is known and may
/// see that fixture (the admin, or a station registered to it).
struct VisibleFixture(String);

impl FromRequestParts<Arc<AppState>> for VisibleFixture {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        s: &Arc<AppState>,
    ) -> std::result::Result<Self, Response> {
        let Path(id) = Path::<String>::from_request_parts(parts, s)
            .await
            .map_err(IntoResponse::into_response)?;
        let caller = api_caller(&s.db, &parts.headers)
            .await
            .map_err(|e| ApiError(e).into_response())?;
        s.db.check_access(&caller, &id)
            .await
            .map_err(|e| ApiError(e).into_response())?;
        Ok(VisibleFixture(id))
    }
}

/// The body of an API request made with the admin's token: read first (bounded by the
/// route's limit), then the caller checked, as a handler taking `HeaderMap` and `Bytes`
/// would.
struct AdminBody(Bytes);

impl FromRequest<Arc<AppState>> for AdminBody {
    type Rejection = Response;

    async fn from_request(
        request: Request,
        s: &Arc<AppState>,
    ) -> std::result::Result<Self, Response> {
        let headers = request.headers().clone();
        let body = Bytes::from_request(request, s)
            .await
            .map_err(IntoResponse::into_response)?;
        let caller = api_caller(&s.db, &headers)
            .await
            .map_err(|e| ApiError(e).into_response())?;
        require_admin(&caller).map_err(|e| ApiError(e).into_response())?;
        Ok(AdminBody(body))
    }
}

fn require_admin(caller: &Caller) -> Result<()> {
    match caller {
        Caller::Admin => Ok(()),
        Caller::Station { name, .. } => Err(ServiceError::Forbidden {
            reason: format!("station `{name}` may not do this: it needs the admin token"),
        }),
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| ServiceError::BadJson {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

fn json<T: serde::Serialize>(status: StatusCode, value: &T) -> Response {
    (status, axum::Json(value)).into_response()
}

#[derive(Deserialize)]
struct RegisterQuery {
    id: Option<String>,
}

async fn register_fixture(
    State(s): State<Arc<AppState>>,
    Query(q): Query<RegisterQuery>,
    AdminBody(body): AdminBody,
) -> ApiResult<Response> {
    let text = std::str::from_utf8(&body).map_err(|e| ServiceError::BadJson {
        line: 1,
        column: e.valid_up_to() + 1,
        message: "the body is not UTF-8".into(),
    })?;
    let r = s.db.register_fixture(text, q.id.as_deref()).await?;
    let status = if r.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(json(status, &r))
}

async fn list_fixtures(State(s): State<Arc<AppState>>, headers: HeaderMap) -> ApiResult<Response> {
    let caller = api_caller(&s.db, &headers).await?;
    let mut out = Vec::new();
    for id in s.db.fixture_ids().await? {
        if s.db.check_access(&caller, &id).await.is_ok() {
            out.push(id);
        }
    }
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "fixtures": out }),
    ))
}

async fn post_run(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let caller = api_caller(&s.db, &headers).await?;
    if caller == Caller::Admin {
        return Err(ServiceError::Forbidden {
            reason: "runs are posted with a station's token".into(),
        }
        .into());
    }
    let run: pogo_qc::run::Run = parse_json(&body)?;
    let receipt = s.db.ingest_run(&caller, &run, &s.config).await?;
    let status = match receipt.stored {
        Stored::New => StatusCode::CREATED,
        Stored::Replay => StatusCode::OK,
    };
    Ok(json(status, &receipt))
}

async fn get_fixture(
    State(s): State<Arc<AppState>>,
    VisibleFixture(id): VisibleFixture,
) -> ApiResult<Response> {
    let status =
        s.db.fixture_status(&id, &s.config, chrono::Utc::now())
            .await?;
    Ok(json(StatusCode::OK, &status))
}

async fn get_due(
    State(s): State<Arc<AppState>>,
    VisibleFixture(id): VisibleFixture,
) -> ApiResult<Response> {
    let due = s.db.due_list(&id, &s.config, chrono::Utc::now()).await?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "fixture": id, "due": due }),
    ))
}

async fn post_maintenance(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    AdminBody(body): AdminBody,
) -> ApiResult<Response> {
    if body.len() > MAX_SMALL_BYTES {
        return Ok((StatusCode::PAYLOAD_TOO_LARGE, "body too large").into_response());
    }
    let request: MaintenanceRequest = parse_json(&body)?;
    let event = s.db.record_maintenance(&id, &request).await?;
    Ok(json(StatusCode::CREATED, &event))
}

async fn get_maintenance(
    State(s): State<Arc<AppState>>,
    VisibleFixture(id): VisibleFixture,
) -> ApiResult<Response> {
    s.db.fixture_json(&id).await?;
    let log = s.db.maintenance_log(Some(&id), 1000).await?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "fixture": id, "events": log }),
    ))
}

async fn get_stations(State(s): State<Arc<AppState>>, headers: HeaderMap) -> ApiResult<Response> {
    require_admin(&api_caller(&s.db, &headers).await?)?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "stations": s.db.stations().await? }),
    ))
}

/// Serves `router` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
