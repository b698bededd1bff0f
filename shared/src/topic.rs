//! The fixed topic taxonomy. Every answer and every handoff carries one topic, so reports
//! and destination routes can rely on a closed set of names.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Topic {
    #[serde(rename = "shipping.time")]
    ShippingTime,
    #[serde(rename = "shipping.cost")]
    ShippingCost,
    #[serde(rename = "shipping.countries")]
    ShippingCountries,
    #[serde(rename = "customs.duties")]
    CustomsDuties,
    #[serde(rename = "payment.methods")]
    PaymentMethods,
    #[serde(rename = "payment.problem")]
    PaymentProblem,
    #[serde(rename = "sizing")]
    Sizing,
    #[serde(rename = "product.info")]
    ProductInfo,
    #[serde(rename = "product.stock")]
    ProductStock,
    #[serde(rename = "product.howto")]
    ProductHowto,
    #[serde(rename = "promotions")]
    Promotions,
    #[serde(rename = "authenticity")]
    Authenticity,
    #[serde(rename = "order.place")]
    OrderPlace,
    #[serde(rename = "order.track")]
    OrderTrack,
    #[serde(rename = "order.change")]
    OrderChange,
    #[serde(rename = "order.cancel")]
    OrderCancel,
    #[serde(rename = "returns")]
    Returns,
    #[serde(rename = "refund")]
    Refund,
    #[serde(rename = "warranty")]
    Warranty,
    #[serde(rename = "invoice")]
    Invoice,
    #[serde(rename = "account")]
    Account,
    #[serde(rename = "newsletter")]
    Newsletter,
    #[serde(rename = "wholesale")]
    Wholesale,
    #[serde(rename = "complaint")]
    Complaint,
    #[serde(rename = "safety")]
    Safety,
    #[serde(rename = "legal")]
    Legal,
    /// An account taken over, orders or charges the shopper did not make.
    #[serde(rename = "security")]
    Security,
    #[serde(rename = "human")]
    Human,
    #[serde(rename = "feedback")]
    Feedback,
    #[serde(rename = "greeting")]
    Greeting,
    #[serde(rename = "other")]
    Other,
}

impl Topic {
    /// Every topic, in taxonomy order.
    pub const ALL: [Topic; 31] = [
        Topic::ShippingTime,
        Topic::ShippingCost,
        Topic::ShippingCountries,
        Topic::CustomsDuties,
        Topic::PaymentMethods,
        Topic::PaymentProblem,
        Topic::Sizing,
        Topic::ProductInfo,
        Topic::ProductStock,
        Topic::ProductHowto,
        Topic::Promotions,
        Topic::Authenticity,
        Topic::OrderPlace,
        Topic::OrderTrack,
        Topic::OrderChange,
        Topic::OrderCancel,
        Topic::Returns,
        Topic::Refund,
        Topic::Warranty,
        Topic::Invoice,
        Topic::Account,
        Topic::Newsletter,
        Topic::Wholesale,
        Topic::Complaint,
        Topic::Safety,
        Topic::Legal,
        Topic::Security,
        Topic::Human,
        Topic::Feedback,
        Topic::Greeting,
        Topic::Other,
    ];

    /// The dotted name used on the wire and in site files, e.g. `shipping.time`.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::ShippingTime => "shipping.time",
            Topic::ShippingCost => "shipping.cost",
            Topic::ShippingCountries => "shipping.countries",
            Topic::CustomsDuties => "customs.duties",
            Topic::PaymentMethods => "payment.methods",
            Topic::PaymentProblem => "payment.problem",
            Topic::Sizing => "sizing",
            Topic::ProductInfo => "product.info",
            Topic::ProductStock => "product.stock",
            Topic::ProductHowto => "product.howto",
            Topic::Promotions => "promotions",
            Topic::Authenticity => "authenticity",
            Topic::OrderPlace => "order.place",
            Topic::OrderTrack => "order.track",
            Topic::OrderChange => "order.change",
            Topic::OrderCancel => "order.cancel",
            Topic::Returns => "returns",
            Topic::Refund => "refund",
            Topic::Warranty => "warranty",
            Topic::Invoice => "invoice",
            Topic::Account => "account",
            Topic::Newsletter => "newsletter",
            Topic::Wholesale => "wholesale",
            Topic::Complaint => "complaint",
            Topic::Safety => "safety",
            Topic::Legal => "legal",
            Topic::Security => "security",
            Topic::Human => "human",
            Topic::Feedback => "feedback",
            Topic::Greeting => "greeting",
            Topic::Other => "other",
        }
    }

    /// Parses a dotted name; `None` for anything outside the taxonomy.
    pub fn parse(name: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

impl std::fmt::Display for Topic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_roundtrip_through_parse_and_serde() {
        for topic in Topic::ALL {
            assert_eq!(Topic::parse(topic.as_str()), Some(topic));
            let json = serde_json::to_string(&topic).expect("ser");
            assert_eq!(json, format!("\"{}\"", topic.as_str()));
            assert_eq!(serde_json::from_str::<Topic>(&json).expect("de"), topic);
        }
        assert_eq!(Topic::parse("shipping"), None);
    }
}
