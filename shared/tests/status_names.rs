//! The status names the Worker stores are the ones the D1 migrations allow: for each column,
//! the `CHECK (column IN (...))` of the table's latest `CREATE TABLE` lists exactly the enum's
//! names, so a status added on one side only fails here and not in production.

use ferry_shared::status::{DeliveryEvent, DeliveryStatus, HandoffStatus};

/// Every migration, in order, as one text.
fn migrations() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../edge/migrations");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no migrations in {dir}");
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("readable"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names `CHECK (column IN (...))` allows in the latest definition of `table` (a table
/// built as `table_v2` and renamed counts as `table`).
fn allowed(sql: &str, table: &str, column: &str) -> Vec<String> {
    let starts: Vec<usize> = [
        format!("CREATE TABLE {table} ("),
        format!("CREATE TABLE {table}_v2 ("),
    ]
    .iter()
    .flat_map(|head| {
        sql.match_indices(head.as_str())
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
    })
    .collect();
    let start = *starts
        .iter()
        .max()
        .unwrap_or_else(|| panic!("no CREATE TABLE {table}"));
    let body = &sql[start..start + sql[start..].find("\n);").expect("table ends")];
    let check = format!("CHECK ({column} IN (");
    let at = body
        .find(&check)
        .unwrap_or_else(|| panic!("{table}.{column} has no {check}"))
        + check.len();
    let list = &body[at..at + body[at..].find(')').expect("readable")];
    let mut names: Vec<String> = list
        .split(',')
        .map(|n| n.trim().trim_matches('\'').to_string())
        .collect();
    names.sort();
    names
}

fn sorted(names: impl Iterator<Item = &'static str>) -> Vec<String> {
    let mut v: Vec<String> = names.map(str::to_string).collect();
    v.sort();
    v
}

#[test]
fn stored_statuses_are_the_ones_the_migrations_allow() {
    let sql = migrations();
    assert_eq!(
        allowed(&sql, "handoffs", "status"),
        sorted(HandoffStatus::ALL.iter().map(|s| s.as_str()))
    );
    assert_eq!(
        allowed(&sql, "deliveries", "status"),
        sorted(DeliveryStatus::ALL.iter().map(|s| s.as_str()))
    );
    assert_eq!(
        allowed(&sql, "delivery_events", "event"),
        sorted(DeliveryEvent::ALL.iter().map(|s| s.as_str()))
    );
}

#[test]
fn names_round_trip_through_storage_and_serde() {
    for s in HandoffStatus::ALL {
        assert_eq!(HandoffStatus::from_name(s.as_str()), Some(s));
        assert_eq!(serde_json::to_value(s).expect("readable"), s.as_str());
    }
    for s in DeliveryStatus::ALL {
        assert_eq!(DeliveryStatus::from_name(s.as_str()), Some(s));
        assert_eq!(serde_json::to_value(s).expect("readable"), s.as_str());
    }
    for e in DeliveryEvent::ALL {
        assert_eq!(DeliveryEvent::from_name(e.as_str()), Some(e));
        assert_eq!(serde_json::to_value(e).expect("readable"), e.as_str());
    }
    assert_eq!(HandoffStatus::from_name("sent"), None);
    assert_eq!(
        HandoffStatus::new(true),
        (HandoffStatus::AwaitingContact, DeliveryStatus::Waiting)
    );
    assert_eq!(
        HandoffStatus::new(false),
        (HandoffStatus::Queued, DeliveryStatus::Queued)
    );
}
