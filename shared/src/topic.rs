//! The fixed topic taxonomy. Every answer and every handoff carries one topic, so reports
//! and destination routes can rely on a closed set of names.

named_enum! {
    /// A topic: `shipping.time`, `safety`, … (`as_str` is the dotted name used on the wire and
    /// in site files; `ALL` is the taxonomy in order).
    #[derive(PartialOrd, Ord)]
    pub enum Topic {
        ShippingTime = "shipping.time",
        ShippingCost = "shipping.cost",
        ShippingCountries = "shipping.countries",
        CustomsDuties = "customs.duties",
        PaymentMethods = "payment.methods",
        PaymentProblem = "payment.problem",
        Sizing = "sizing",
        ProductInfo = "product.info",
        ProductStock = "product.stock",
        ProductHowto = "product.howto",
        Promotions = "promotions",
        Authenticity = "authenticity",
        OrderPlace = "order.place",
        OrderTrack = "order.track",
        OrderChange = "order.change",
        OrderCancel = "order.cancel",
        Returns = "returns",
        Refund = "refund",
        Warranty = "warranty",
        Invoice = "invoice",
        Account = "account",
        Newsletter = "newsletter",
        Wholesale = "wholesale",
        Complaint = "complaint",
        Safety = "safety",
        Legal = "legal",
    /// An account taken over, orders or charges the shopper did not make.
        Security = "security",
        Human = "human",
        Feedback = "feedback",
        Greeting = "greeting",
        Other = "other",
    }
}

impl Topic {
    /// Parses a dotted name; `None` for anything outside the taxonomy.
    pub fn parse(name: &str) -> Option<Topic> {
        Topic::from_name(name)
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
