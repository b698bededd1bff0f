//! Readings of the runtime from /proc: the processes `wrangler dev` started, workerd's resident
//! memory and CPU time, the machine's load average. Linux only (elsewhere they read as unknown).

use std::collections::HashSet;

/// Linux's USER_HZ: the unit of utime/stime in /proc/<pid>/stat.
pub(super) const CLOCK_TICKS: f64 = 100.0;

/// One process in /proc.
#[derive(Debug, Clone)]
struct Proc {
    pid: u32,
    parent: u32,
    group: u32,
    name: String,
    /// utime + stime, in [`CLOCK_TICKS`].
    ticks: u64,
}

fn processes() -> Vec<Proc> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
        // utime stime ...; comm may hold spaces and parentheses: split at the last ')'.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        let field = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
        let (Some(parent), Some(group), Some(utime), Some(stime)) =
            (field(1), field(2), field(11), field(12))
        else {
            continue;
        };
        all.push(Proc {
            pid,
            parent: parent as u32,
            group: group as u32,
            name: stat[open + 1..close].to_string(),
            ticks: utime + stime,
        });
    }
    all
}

/// The processes started by `root_pid`: its group and every descendant.
fn family(root_pid: u32) -> Vec<Proc> {
    let all = processes();
    let mut members: HashSet<u32> = all
        .iter()
        .filter(|p| p.group == root_pid || p.pid == root_pid)
        .map(|p| p.pid)
        .collect();
    loop {
        let before = members.len();
        for p in &all {
            if members.contains(&p.parent) {
                members.insert(p.pid);
            }
        }
        if members.len() == before {
            break;
        }
    }
    all.into_iter()
        .filter(|p| members.contains(&p.pid))
        .collect()
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// The resident memory of the workerd processes under `root_pid`, in KiB.
pub(super) fn workerd_rss(root_pid: u32) -> Option<u64> {
    let workerd: Vec<u32> = family(root_pid)
        .into_iter()
        .filter(|p| p.name.starts_with("workerd"))
        .map(|p| p.pid)
        .collect();
    (!workerd.is_empty()).then(|| workerd.iter().filter_map(|&p| rss_kb(p)).sum())
}

/// The 1-minute load average (0 if unknown).
pub(super) fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0.0)
}

pub(super) fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// CPU ticks so far of workerd and of everything else in the family (wrangler's node).
pub(super) fn cpu_ticks(root_pid: u32) -> (u64, u64) {
    family(root_pid).into_iter().fold((0, 0), |(w, o), p| {
        if p.name.starts_with("workerd") {
            (w + p.ticks, o)
        } else {
            (w, o + p.ticks)
        }
    })
}

/// workerd's resident memory over the measured run.
#[derive(Debug, Clone, Default)]
pub(super) struct Memory {
    /// KiB, one sample a second from the start of the measured run.
    pub(super) samples: Vec<u64>,
}

impl Memory {
    pub(super) fn first(&self) -> Option<u64> {
        self.samples.first().copied()
    }
    pub(super) fn last(&self) -> Option<u64> {
        self.samples.last().copied()
    }
    pub(super) fn max(&self) -> Option<u64> {
        self.samples.iter().copied().max()
    }
    /// Mean of the last tenth over the mean of the first tenth, minus one.
    pub(super) fn growth(&self) -> Option<f64> {
        let n = self.samples.len();
        if n < 2 {
            return None;
        }
        let tenth = (n / 10).max(1);
        let mean = |s: &[u64]| s.iter().sum::<u64>() as f64 / s.len() as f64;
        let (first, last) = (
            mean(&self.samples[..tenth]),
            mean(&self.samples[n - tenth..]),
        );
        (first > 0.0).then(|| last / first - 1.0)
    }
}
