//! A small W3C WebDriver client for Debian's Chromium driven through `chromedriver`: a fresh
//! headless browser profile, navigation, elements found by polling with a generous deadline (no
//! timed sleeps), typing, clicking and PNG screenshots.

use base64::Engine;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long to wait for anything in the browser: generous, so a busy machine only waits longer.
pub const DEADLINE: Duration = Duration::from_secs(60);

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Where chromium and chromedriver are, if installed.
pub fn browser_paths() -> Option<(PathBuf, PathBuf)> {
    let find = |names: &[&str]| {
        names.iter().find_map(|n| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(n))
                    .find(|p| p.is_file())
            })
        })
    };
    Some((
        find(&["chromium", "chromium-browser"])?,
        find(&["chromedriver"])?,
    ))
}

/// A chromedriver process and one browser session; both end when dropped.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self
            .agent
            .delete(format!("{}/session/{}", self.base, self.session))
            .call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a fresh profile and the flags a closed
    /// network needs (no background networking, updates, sync or QUIC).
    pub fn start(chromium: &Path, chromedriver: &Path) -> Self {
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let profile = tempfile::tempdir().expect("profile dir");
        let started = Instant::now();
        loop {
            let ready = agent
                .get(format!("{base}/status"))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == json!(true));
            if ready {
                break;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "chromedriver did not become ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let args = [
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--lang=en-GB".into(),
            // A tablet in portrait.
            "--window-size=820,1180".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium.display().to_string(), "args": args}
        }}});
        let mut resp = agent
            .post(format!("{base}/session"))
            .send_json(&caps)
            .expect("new session");
        let v: Value = resp.body_mut().read_json().expect("session answer");
        let session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        Self {
            driver,
            base,
            session,
            agent,
            _profile: profile,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.base, self.session)
    }

    fn post(&self, path: &str, body: Value) -> Value {
        let mut r = self
            .agent
            .post(self.url(path))
            .send_json(&body)
            .expect("webdriver");
        r.body_mut().read_json().expect("webdriver answer")
    }

    fn get(&self, path: &str) -> Value {
        let mut r = self.agent.get(self.url(path)).call().expect("webdriver");
        r.body_mut().read_json().expect("webdriver answer")
    }

    /// Opens a URL.
    pub fn go(&self, url: &str) {
        let v = self.post("/url", json!({ "url": url }));
        assert!(v["value"].is_null(), "navigation failed: {v}");
    }

    /// The element matching a CSS selector, polled for until the deadline.
    pub fn find(&self, css: &str) -> String {
        let started = Instant::now();
        loop {
            let v = self.post("/element", json!({"using": "css selector", "value": css}));
            if let Some(id) = v["value"][ELEMENT].as_str() {
                return id.to_string();
            }
            assert!(
                started.elapsed() < DEADLINE,
                "no element {css} on {}: {}",
                self.current_url(),
                self.get("/source")["value"]
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the page's text contains `text`.
    pub fn wait_for_text(&self, text: &str) {
        let started = Instant::now();
        while !self.text().contains(text) {
            assert!(
                started.elapsed() < DEADLINE,
                "{text:?} never appeared on {}: {}",
                self.current_url(),
                self.text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sends `body` to the element matching `css` at `action` (`value`, `click`). An element
    /// found on a page that is being replaced (after a form was submitted) goes stale: it is found
    /// again on the new page and the action retried, until the deadline.
    fn act(&self, css: &str, action: &str, body: Value) {
        let started = Instant::now();
        loop {
            let id = self.find(css);
            let v = self.post(&format!("/element/{id}/{action}"), body.clone());
            if v["value"].is_null() {
                return;
            }
            let stale = v["value"]["error"] == json!("stale element reference");
            assert!(
                stale && started.elapsed() < DEADLINE,
                "{action} on {css} failed: {v}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Types into the element matching `css`.
    pub fn type_into(&self, css: &str, text: &str) {
        self.act(css, "value", json!({ "text": text }));
    }

    /// Clicks the element matching `css` and waits until the page it opens has loaded (every
    /// click in these tests follows a link or submits a form): the old page is marked before the
    /// click, so nothing is then found on it by mistake.
    pub fn click(&self, css: &str) {
        self.script("window.__doorstepOldPage = true; return null");
        self.act(css, "click", json!({}));
        let started = Instant::now();
        loop {
            let state = self
                .script("return window.__doorstepOldPage === true ? 'old' : document.readyState");
            if state == json!("complete") {
                return;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "clicking {css} did not open a new page"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Runs a script in the page and returns its value.
    pub fn script(&self, js: &str) -> Value {
        self.post("/execute/sync", json!({"script": js, "args": []}))["value"].clone()
    }

    /// Presses keys on the focused element (e.g. "\u{E004}" for Tab).
    pub fn keys(&self, keys: &str) {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|c| {
                [
                    json!({"type": "keyDown", "value": c.to_string()}),
                    json!({"type": "keyUp", "value": c.to_string()}),
                ]
            })
            .collect();
        self.post(
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        );
    }

    /// The page's visible text.
    pub fn text(&self) -> String {
        self.script("return document.body ? document.body.innerText : ''")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The current URL.
    pub fn current_url(&self) -> String {
        self.get("/url")["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Saves a PNG screenshot of the page at `path`; returns its bytes.
    pub fn screenshot(&self, path: &Path) -> Vec<u8> {
        let v = self.get("/screenshot");
        let png = base64::engine::general_purpose::STANDARD
            .decode(v["value"].as_str().expect("screenshot data"))
            .expect("base64 PNG");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
        std::fs::write(path, &png).expect("screenshot written");
        png
    }
}
