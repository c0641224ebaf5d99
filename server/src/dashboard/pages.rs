//! The dashboard's templates (askama, compiled in, HTML-escaped) and the rows they show.

use askama::Template;

/// Who is signed in, for the page header.
pub struct Who {
    /// The manager's name.
    pub name: String,
    /// The session's CSRF token for the header's sign-out form.
    pub csrf: String,
}

/// The sign-in page.
#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub who: Option<Who>,
    pub page: &'static str,
    pub csrf: String,
    pub message: Option<&'static str>,
}

/// A short message page (not found, refused).
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub who: Option<Who>,
    pub page: &'static str,
    pub heading: &'static str,
    pub text: &'static str,
}

/// An alert as shown.
pub struct AlertRow {
    pub priority: &'static str,
    pub priority_code: &'static str,
    pub kind: String,
    pub message: String,
    pub prompts: Vec<String>,
}

/// A child on the Children page.
pub struct ChildRow {
    pub case_id: String,
    pub name: String,
    pub rag: &'static str,
    pub rag_code: &'static str,
    pub plan: &'static str,
    pub lead: String,
    pub alerts: Vec<AlertRow>,
}

/// The Children page.
#[derive(Template)]
#[template(path = "children.html")]
pub struct ChildrenPage {
    pub who: Option<Who>,
    pub page: &'static str,
    pub children: Vec<ChildRow>,
    /// Cases in scope whose records could not be opened (not listed).
    pub unreadable: usize,
}

/// One child's record.
#[derive(Template)]
#[template(path = "child.html")]
pub struct ChildPage {
    pub who: Option<Who>,
    pub page: &'static str,
    pub who_csrf: String,
    pub name: String,
    pub plan: &'static str,
    pub rag: &'static str,
    pub rag_code: &'static str,
    pub lead: String,
    pub address: String,
    pub alerts: Vec<AlertRow>,
    /// (when, what)
    pub chronology: Vec<(String, String)>,
    /// (case id, child's name): this child only.
    pub cases: Vec<(String, String)>,
}

/// A recorded supervision discussion.
pub struct SupervisionRow {
    pub at: String,
    pub child: String,
    pub decision: String,
    pub actions: String,
    pub owner: String,
    pub due: String,
}

/// The Supervision page.
#[derive(Template)]
#[template(path = "supervision.html")]
pub struct SupervisionPage {
    pub who: Option<Who>,
    pub page: &'static str,
    pub who_csrf: String,
    pub message: Option<&'static str>,
    /// (case id, child's name)
    pub cases: Vec<(String, String)>,
    pub recorded: Vec<SupervisionRow>,
    /// Cases in scope whose records could not be opened (not listed).
    pub unreadable: usize,
}

/// A device on the Practitioners and devices page.
pub struct DeviceRow {
    pub practitioner: String,
    pub team: String,
    pub device: String,
    pub device_short: String,
    pub enrolled: String,
    pub last_seen: String,
    pub last_push: String,
    /// What the phone said still waited on it at its last push, and when.
    pub backlog: String,
    pub state: &'static str,
    pub can_revoke: bool,
}

/// The Practitioners and devices page.
#[derive(Template)]
#[template(path = "devices.html")]
pub struct DevicesPage {
    pub who: Option<Who>,
    pub page: &'static str,
    pub who_csrf: String,
    pub message: Option<&'static str>,
    pub rows: Vec<DeviceRow>,
}

/// The audit log page.
#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub who: Option<Who>,
    pub page: &'static str,
    /// (when, manager, child, what)
    pub rows: Vec<(String, String, String, String)>,
}

/// The stylesheet.
pub const STYLE: &str = include_str!("../../templates/style.css");
