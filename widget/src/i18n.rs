//! The widget's own words (labels, notices), per language. Shop content (greeting, answers,
//! quick replies) comes from the site config instead; these are only the panel's chrome.
//!
//! Languages without a table here fall back to English.

/// Every string the panel shows that is not shop content.
#[derive(Debug)]
pub struct Ui {
    /// Title before the config (and the shop name) has arrived.
    pub title: &'static str,
    pub close: &'static str,
    pub log: &'static str,
    pub suggestions: &'static str,
    pub input_label: &'static str,
    pub placeholder: &'static str,
    pub send: &'static str,
    pub retry: &'static str,
    pub loading: &'static str,
    pub unavailable: &'static str,
    pub not_sent: &'static str,
    pub offline: &'static str,
    pub busy: &'static str,
    pub refused: &'static str,
    pub refused_long: &'static str,
    /// The message is `n` characters long, over the limit `max`.
    pub too_long: fn(usize, usize) -> String,
    pub retry_first: &'static str,
    pub ticket: &'static str,
    pub reply_by: &'static str,
}

pub static EN: Ui = Ui {
    title: "Chat",
    close: "Close chat",
    log: "Conversation",
    suggestions: "Suggested questions",
    input_label: "Your message",
    placeholder: "Type your question…",
    send: "Send",
    retry: "Retry",
    loading: "Loading…",
    unavailable: "Chat couldn't load right now.",
    not_sent: "Your message wasn't sent.",
    offline: "You seem to be offline. Your message wasn't sent.",
    busy: "We're busy right now. Trying again in a moment…",
    refused: "This message couldn't be accepted. Please rephrase it.",
    refused_long: "This message is too long. Please shorten it.",
    too_long: |n, max| {
        format!("Your message is {n} characters long; the limit is {max}. Please shorten it.")
    },
    retry_first: "Your last message hasn't been sent yet. Retry it first.",
    ticket: "Ticket",
    reply_by: "reply by",
};

pub static ES: Ui = Ui {
    title: "Chat",
    close: "Cerrar chat",
    log: "Conversación",
    suggestions: "Preguntas sugeridas",
    input_label: "Tu mensaje",
    placeholder: "Escribe tu pregunta…",
    send: "Enviar",
    retry: "Reintentar",
    loading: "Cargando…",
    unavailable: "El chat no se pudo cargar.",
    not_sent: "Tu mensaje no se envió.",
    offline: "Parece que no tienes conexión. Tu mensaje no se envió.",
    busy: "Hay mucha demanda. Lo intentamos de nuevo en un momento…",
    refused: "No pudimos aceptar este mensaje. Reformúlalo, por favor.",
    refused_long: "Este mensaje es demasiado largo. Acórtalo, por favor.",
    too_long: |n, max| {
        format!("Tu mensaje tiene {n} caracteres; el límite es {max}. Acórtalo, por favor.")
    },
    retry_first: "Tu último mensaje aún no se envió. Reinténtalo primero.",
    ticket: "Ticket",
    reply_by: "respuesta antes de",
};

pub static PT: Ui = Ui {
    title: "Chat",
    close: "Fechar chat",
    log: "Conversa",
    suggestions: "Perguntas sugeridas",
    input_label: "Sua mensagem",
    placeholder: "Digite sua pergunta…",
    send: "Enviar",
    retry: "Tentar de novo",
    loading: "Carregando…",
    unavailable: "Não foi possível carregar o chat.",
    not_sent: "Sua mensagem não foi enviada.",
    offline: "Parece que você está sem conexão. Sua mensagem não foi enviada.",
    busy: "Estamos com muita demanda. Tentando de novo em instantes…",
    refused: "Não foi possível aceitar esta mensagem. Reformule, por favor.",
    refused_long: "Esta mensagem é longa demais. Encurte, por favor.",
    too_long: |n, max| {
        format!("Sua mensagem tem {n} caracteres; o limite é {max}. Encurte, por favor.")
    },
    retry_first: "Sua última mensagem ainda não foi enviada. Tente de novo primeiro.",
    ticket: "Ticket",
    reply_by: "resposta até",
};

pub static FR: Ui = Ui {
    title: "Chat",
    close: "Fermer le chat",
    log: "Conversation",
    suggestions: "Questions suggérées",
    input_label: "Votre message",
    placeholder: "Posez votre question…",
    send: "Envoyer",
    retry: "Réessayer",
    loading: "Chargement…",
    unavailable: "Le chat n'a pas pu se charger.",
    not_sent: "Votre message n'a pas été envoyé.",
    offline: "Vous semblez hors ligne. Votre message n'a pas été envoyé.",
    busy: "Nous sommes très sollicités. Nouvel essai dans un instant…",
    refused: "Ce message n'a pas pu être accepté. Reformulez-le, s'il vous plaît.",
    refused_long: "Ce message est trop long. Raccourcissez-le, s'il vous plaît.",
    too_long: |n, max| {
        format!(
            "Votre message fait {n} caractères ; la limite est de {max}. Raccourcissez-le, s'il vous plaît."
        )
    },
    retry_first: "Votre dernier message n'est pas encore parti. Réessayez-le d'abord.",
    ticket: "Ticket",
    reply_by: "réponse avant le",
};

pub static DE: Ui = Ui {
    title: "Chat",
    close: "Chat schließen",
    log: "Unterhaltung",
    suggestions: "Vorgeschlagene Fragen",
    input_label: "Ihre Nachricht",
    placeholder: "Ihre Frage…",
    send: "Senden",
    retry: "Erneut versuchen",
    loading: "Wird geladen…",
    unavailable: "Der Chat konnte nicht geladen werden.",
    not_sent: "Ihre Nachricht wurde nicht gesendet.",
    offline: "Sie scheinen offline zu sein. Ihre Nachricht wurde nicht gesendet.",
    busy: "Gerade ist viel los. Wir versuchen es gleich noch einmal…",
    refused: "Diese Nachricht konnte nicht angenommen werden. Bitte formulieren Sie sie um.",
    refused_long: "Diese Nachricht ist zu lang. Bitte kürzen Sie sie.",
    too_long: |n, max| {
        format!("Ihre Nachricht hat {n} Zeichen; erlaubt sind {max}. Bitte kürzen Sie sie.")
    },
    retry_first: "Ihre letzte Nachricht wurde noch nicht gesendet. Bitte zuerst erneut versuchen.",
    ticket: "Ticket",
    reply_by: "Antwort bis",
};

pub static IT: Ui = Ui {
    title: "Chat",
    close: "Chiudi la chat",
    log: "Conversazione",
    suggestions: "Domande suggerite",
    input_label: "Il tuo messaggio",
    placeholder: "Scrivi la tua domanda…",
    send: "Invia",
    retry: "Riprova",
    loading: "Caricamento…",
    unavailable: "Non è stato possibile caricare la chat.",
    not_sent: "Il tuo messaggio non è stato inviato.",
    offline: "Sembra che tu sia offline. Il tuo messaggio non è stato inviato.",
    busy: "Siamo molto occupati. Riproviamo tra un attimo…",
    refused: "Non è stato possibile accettare questo messaggio. Riformulalo, per favore.",
    refused_long: "Questo messaggio è troppo lungo. Accorcialo, per favore.",
    too_long: |n, max| {
        format!("Il tuo messaggio ha {n} caratteri; il limite è {max}. Accorcialo, per favore.")
    },
    retry_first: "Il tuo ultimo messaggio non è ancora stato inviato. Riprova prima quello.",
    ticket: "Ticket",
    reply_by: "risposta entro",
};

/// Tables are compared by identity: each language has exactly one.
impl PartialEq for Ui {
    fn eq(&self, other: &Ui) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Ui {}

/// The table for a language code (`de`, `pt`), English when there is none.
pub fn ui(lang: &str) -> &'static Ui {
    match lang {
        "es" => &ES,
        "pt" => &PT,
        "fr" => &FR,
        "de" => &DE,
        "it" => &IT,
        _ => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_states_both_numbers() {
        for table in [&EN, &ES, &PT, &FR, &DE, &IT] {
            let text = (table.too_long)(2345, 2000);
            assert!(text.contains("2345") && text.contains("2000"), "{text}");
        }
        assert_eq!(ui("ja"), &EN);
        assert_eq!(ui("de"), &DE);
    }
}
