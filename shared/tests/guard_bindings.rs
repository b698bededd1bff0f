//! Tidy test: every burst limit a site file may choose has its Rate Limiting binding in
//! `edge/wrangler.toml` with that limit and the window the code assumes, and the handoff cap's
//! Durable Object is bound and migrated. A site file passes `ferry check` only with a tier
//! listed in `ferry_shared::guard::BURST_TIERS`, so this is what keeps the two in step.

use ferry_shared::guard::{BURST_TIERS, BURST_WINDOW_SECS, burst_binding};

fn wrangler() -> toml::Table {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../edge/wrangler.toml");
    let text = std::fs::read_to_string(path).expect("edge/wrangler.toml");
    text.parse().expect("wrangler.toml is TOML")
}

#[test]
fn every_burst_tier_has_its_binding() {
    let config = wrangler();
    let limits = config["ratelimits"].as_array().expect("[[ratelimits]]");
    let mut namespaces = Vec::new();
    for &tier in BURST_TIERS {
        let name = burst_binding(tier);
        let binding = limits
            .iter()
            .find(|b| b["name"].as_str() == Some(name.as_str()))
            .unwrap_or_else(|| panic!("edge/wrangler.toml has no [[ratelimits]] named {name}"));
        assert_eq!(
            binding["simple"]["limit"].as_integer(),
            Some(i64::from(tier)),
            "{name}: limit"
        );
        assert_eq!(
            binding["simple"]["period"].as_integer(),
            Some(i64::from(BURST_WINDOW_SECS)),
            "{name}: period"
        );
        namespaces.push(
            binding["namespace_id"]
                .as_str()
                .expect("namespace_id")
                .to_string(),
        );
    }
    let before = namespaces.len();
    namespaces.sort();
    namespaces.dedup();
    assert_eq!(namespaces.len(), before, "namespace ids are unique");
}

#[test]
fn the_handoff_cap_object_is_bound_and_migrated() {
    let config = wrangler();
    let bindings = config["durable_objects"]["bindings"]
        .as_array()
        .expect("DO bindings");
    assert!(
        bindings
            .iter()
            .any(|b| b["name"].as_str() == Some("HANDOFF_CAP")
                && b["class_name"].as_str() == Some("HandoffCap"))
    );
    let migrations = config["migrations"].as_array().expect("[[migrations]]");
    assert!(migrations.iter().any(|m| {
        m["new_sqlite_classes"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c.as_str() == Some("HandoffCap")))
    }));
}
