//! Background servers: each in its own process group, stopped by that group's id (never by
//! name), so Ctrl-C and test failures leave nothing running.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::util::describe;

/// A running server. Dropping it stops its process group, so an early return, an error or
/// a panic (a closed stdout, say) never leaves a server behind.
#[derive(Debug)]
pub struct Server {
    pub name: String,
    child: Child,
    stopped: bool,
}

impl Server {
    pub fn spawn(name: &str, cmd: &mut Command) -> Result<Server> {
        let shown = describe(cmd);
        let child = cmd
            .process_group(0)
            .spawn()
            .with_context(|| format!("could not start {name}: `{shown}`"))?;
        Ok(Server {
            name: name.to_string(),
            child,
            stopped: false,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `Some(status)` once the server has exited.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// SIGTERM to the whole group, then SIGKILL after `grace`.
    pub fn stop(mut self, grace: Duration) {
        self.stop_group(grace);
    }

    fn stop_group(&mut self, grace: Duration) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let group = format!("-{}", self.pid());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if self.exited().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(std::process::Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_group(Duration::from_secs(3));
    }
}

/// Polls `GET http://127.0.0.1:{port}{path}` until it answers 200 or `timeout` passes.
pub fn wait_http_ok(port: u16, path: &str, timeout: Duration, server: &mut Server) -> Result<()> {
    use std::io::{Read, Write};
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = server.exited() {
            anyhow::bail!("{} exited before it was ready ({status})", server.name);
        }
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let request =
                format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            let mut head = [0u8; 12];
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_exact(&mut head).is_ok()
                && head.ends_with(b"200")
            {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            anyhow::bail!(
                "{} did not answer 200 on 127.0.0.1:{port}{path} within {}s",
                server.name,
                timeout.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}
