//! The widget's own words (labels, notices), per language. Shop content (greeting, answers,
//! quick replies) comes from the site config instead; these are only the panel's chrome.
//!
//! Languages without a table here fall back to English.

use ferry_shared::language::LangCode;

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
    pub busy: &'static str,
    pub refused: &'static str,
    pub refused_long: &'static str,
    /// The message is `n` characters long, over the limit `max`.
    pub too_long: fn(usize, usize) -> String,
    pub ticket: &'static str,
    pub reply_by: &'static str,
    /// The launcher's label.
    pub open_chat: &'static str,
    /// The launcher badge's label: `n` replies arrived while the panel was closed.
    pub unread: fn(usize) -> String,
    /// Header status while someone is at the inbox.
    pub online: &'static str,
    /// Header status outside business hours or on a holiday.
    pub away: &'static str,
    /// Header detail: the usual reply time, `n` business hours.
    pub replies_within: fn(u32) -> String,
    /// Header detail when away: when a person is back (`when` is local date and time).
    pub back_at: fn(&str) -> String,
    /// Above the contact form after a handoff.
    pub contact_prompt: &'static str,
    pub email_label: &'static str,
    pub email_invalid: &'static str,
    pub order_label: &'static str,
    pub order_invalid: &'static str,
    pub contact_submit: &'static str,
    /// After the contact was saved, when the edge sent no text of its own.
    pub contact_saved: &'static str,
    /// Offline with messages waiting in the outbox: they go out once the browser is online.
    pub queued: &'static str,
    /// A network error: the outbox retries by itself in `secs` seconds.
    pub retrying: fn(u32) -> String,
    /// Beside the Turnstile check the edge asked for before a handoff.
    pub check: &'static str,
    /// Too many handoffs from this address for now (the message waits, with Retry).
    pub no_person: &'static str,
    /// When the shopper can try again; `{when}` is a local date and time.
    pub try_after: &'static str,
    /// The way out, last in a notice; `{email}` is the shop's support address.
    pub write_to: &'static str,
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
    busy: "We're busy right now. Trying again in a moment…",
    refused: "This message couldn't be accepted. Please rephrase it.",
    refused_long: "This message is too long. Please shorten it.",
    too_long: |n, max| {
        format!("Your message is {n} characters long; the limit is {max}. Please shorten it.")
    },
    ticket: "Ticket",
    reply_by: "reply by",
    open_chat: "Open chat",
    unread: |n| match n {
        1 => "1 new message".into(),
        n => format!("{n} new messages"),
    },
    online: "Online",
    away: "Away",
    replies_within: |n| match n {
        1 => "Usually replies within an hour".into(),
        n => format!("Usually replies within {n} hours"),
    },
    back_at: |when| format!("Back {when}"),
    contact_prompt: "Where should we reply? Leave your email and we'll write to you.",
    email_label: "Email",
    email_invalid: "Please enter an email address like name@example.com.",
    order_label: "Order number (optional)",
    order_invalid: "That order number is too long (120 characters at most).",
    contact_submit: "Send",
    contact_saved: "Thanks! We'll reply by email.",
    queued: "You're offline. Your message will be sent when you're back online.",
    retrying: |secs| format!("Connection problem. Trying again in {secs} s…"),
    check: "Quick check before we pass this to a person",
    no_person: "A person can't be reached through the chat right now.",
    try_after: "Try again after {when}.",
    write_to: "You can also email {email}.",
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
    busy: "Hay mucha demanda. Lo intentamos de nuevo en un momento…",
    refused: "No pudimos aceptar este mensaje. Reformúlalo, por favor.",
    refused_long: "Este mensaje es demasiado largo. Acórtalo, por favor.",
    too_long: |n, max| {
        format!("Tu mensaje tiene {n} caracteres; el límite es {max}. Acórtalo, por favor.")
    },
    ticket: "Ticket",
    reply_by: "respuesta antes de",
    open_chat: "Abrir chat",
    unread: |n| match n {
        1 => "1 mensaje nuevo".into(),
        n => format!("{n} mensajes nuevos"),
    },
    online: "En línea",
    away: "Ausente",
    replies_within: |n| match n {
        1 => "Solemos responder en una hora".into(),
        n => format!("Solemos responder en {n} horas"),
    },
    back_at: |when| format!("Volvemos el {when}"),
    contact_prompt: "¿Dónde te respondemos? Déjanos tu correo y te escribiremos.",
    email_label: "Correo electrónico",
    email_invalid: "Escribe un correo electrónico como name@example.com.",
    order_label: "Número de pedido (opcional)",
    order_invalid: "Ese número de pedido es demasiado largo (máximo 120 caracteres).",
    contact_submit: "Enviar",
    contact_saved: "¡Gracias! Te responderemos por correo.",
    queued: "No tienes conexión. Tu mensaje se enviará cuando vuelvas a estar en línea.",
    retrying: |secs| format!("Problema de conexión. Lo intentamos de nuevo en {secs} s…"),
    check: "Una comprobación rápida antes de pasarlo a una persona",
    no_person: "Ahora no podemos pasarte con una persona por el chat.",
    try_after: "Inténtalo de nuevo a partir de {when}.",
    write_to: "También puedes escribir a {email}.",
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
    busy: "Estamos com muita demanda. Tentando de novo em instantes…",
    refused: "Não foi possível aceitar esta mensagem. Reformule, por favor.",
    refused_long: "Esta mensagem é longa demais. Encurte, por favor.",
    too_long: |n, max| {
        format!("Sua mensagem tem {n} caracteres; o limite é {max}. Encurte, por favor.")
    },
    ticket: "Ticket",
    reply_by: "resposta até",
    open_chat: "Abrir chat",
    unread: |n| match n {
        0 | 1 => format!("{n} nova mensagem"),
        n => format!("{n} novas mensagens"),
    },
    online: "Online",
    away: "Ausente",
    replies_within: |n| match n {
        1 => "Costumamos responder em até uma hora".into(),
        n => format!("Costumamos responder em até {n} horas"),
    },
    back_at: |when| format!("Voltamos em {when}"),
    contact_prompt: "Onde podemos responder? Deixe seu e-mail e a gente escreve para você.",
    email_label: "E-mail",
    email_invalid: "Digite um e-mail como name@example.com.",
    order_label: "Número do pedido (opcional)",
    order_invalid: "Esse número de pedido é longo demais (no máximo 120 caracteres).",
    contact_submit: "Enviar",
    contact_saved: "Obrigado! Vamos responder por e-mail.",
    queued: "Você está sem conexão. Sua mensagem será enviada assim que a conexão voltar.",
    retrying: |secs| format!("Problema de conexão. Tentando de novo em {secs} s…"),
    check: "Uma verificação rápida antes de passarmos para uma pessoa",
    no_person: "No momento não é possível falar com uma pessoa pelo chat.",
    try_after: "Tente de novo a partir de {when}.",
    write_to: "Você também pode escrever para {email}.",
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
    busy: "Nous sommes très sollicités. Nouvel essai dans un instant…",
    refused: "Ce message n'a pas pu être accepté. Reformulez-le, s'il vous plaît.",
    refused_long: "Ce message est trop long. Raccourcissez-le, s'il vous plaît.",
    too_long: |n, max| {
        format!(
            "Votre message fait {n} caractères ; la limite est de {max}. Raccourcissez-le, s'il vous plaît."
        )
    },
    ticket: "Ticket",
    reply_by: "réponse avant le",
    open_chat: "Ouvrir le chat",
    unread: |n| match n {
        0 | 1 => format!("{n} nouveau message"),
        n => format!("{n} nouveaux messages"),
    },
    online: "En ligne",
    away: "Absent",
    replies_within: |n| match n {
        1 => "Nous répondons généralement sous une heure".into(),
        n => format!("Nous répondons généralement sous {n} heures"),
    },
    back_at: |when| format!("De retour le {when}"),
    contact_prompt: "Où pouvons-nous vous répondre ? Laissez votre adresse e-mail et nous vous écrirons.",
    email_label: "Adresse e-mail",
    email_invalid: "Saisissez une adresse e-mail du type name@example.com.",
    order_label: "Numéro de commande (facultatif)",
    order_invalid: "Ce numéro de commande est trop long (120 caractères maximum).",
    contact_submit: "Envoyer",
    contact_saved: "Merci ! Nous vous répondrons par e-mail.",
    queued: "Vous êtes hors ligne. Votre message partira dès que vous serez de nouveau en ligne.",
    retrying: |secs| format!("Problème de connexion. Nouvel essai dans {secs} s…"),
    check: "Vérification rapide avant de transmettre à une personne",
    no_person: "Impossible de joindre une personne par le chat pour le moment.",
    try_after: "Réessayez à partir de {when}.",
    write_to: "Vous pouvez aussi écrire à {email}.",
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
    busy: "Gerade ist viel los. Wir versuchen es gleich noch einmal…",
    refused: "Diese Nachricht konnte nicht angenommen werden. Bitte formulieren Sie sie um.",
    refused_long: "Diese Nachricht ist zu lang. Bitte kürzen Sie sie.",
    too_long: |n, max| {
        format!("Ihre Nachricht hat {n} Zeichen; erlaubt sind {max}. Bitte kürzen Sie sie.")
    },
    ticket: "Ticket",
    reply_by: "Antwort bis",
    open_chat: "Chat öffnen",
    unread: |n| match n {
        1 => "1 neue Nachricht".into(),
        n => format!("{n} neue Nachrichten"),
    },
    online: "Online",
    away: "Abwesend",
    replies_within: |n| match n {
        1 => "Wir antworten meist innerhalb einer Stunde".into(),
        n => format!("Wir antworten meist innerhalb von {n} Stunden"),
    },
    back_at: |when| format!("Wieder erreichbar am {when}"),
    contact_prompt: "Wohin dürfen wir antworten? Hinterlassen Sie Ihre E-Mail-Adresse, dann schreiben wir Ihnen.",
    email_label: "E-Mail-Adresse",
    email_invalid: "Bitte geben Sie eine E-Mail-Adresse wie name@example.com ein.",
    order_label: "Bestellnummer (optional)",
    order_invalid: "Diese Bestellnummer ist zu lang (höchstens 120 Zeichen).",
    contact_submit: "Senden",
    contact_saved: "Danke! Wir antworten Ihnen per E-Mail.",
    queued: "Sie sind offline. Ihre Nachricht wird gesendet, sobald Sie wieder online sind.",
    retrying: |secs| format!("Verbindungsproblem. Neuer Versuch in {secs} s…"),
    check: "Kurze Prüfung, bevor wir das an einen Menschen weitergeben",
    no_person: "Über den Chat ist gerade kein Mensch erreichbar.",
    try_after: "Versuchen Sie es ab {when} erneut.",
    write_to: "Sie können uns auch an {email} schreiben.",
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
    busy: "Siamo molto occupati. Riproviamo tra un attimo…",
    refused: "Non è stato possibile accettare questo messaggio. Riformulalo, per favore.",
    refused_long: "Questo messaggio è troppo lungo. Accorcialo, per favore.",
    too_long: |n, max| {
        format!("Il tuo messaggio ha {n} caratteri; il limite è {max}. Accorcialo, per favore.")
    },
    ticket: "Ticket",
    reply_by: "risposta entro",
    open_chat: "Apri la chat",
    unread: |n| match n {
        1 => "1 nuovo messaggio".into(),
        n => format!("{n} nuovi messaggi"),
    },
    online: "Online",
    away: "Assente",
    replies_within: |n| match n {
        1 => "Di solito rispondiamo entro un'ora".into(),
        n => format!("Di solito rispondiamo entro {n} ore"),
    },
    back_at: |when| format!("Torniamo il {when}"),
    contact_prompt: "Dove possiamo risponderti? Lasciaci la tua email e ti scriveremo.",
    email_label: "Email",
    email_invalid: "Inserisci un indirizzo email come name@example.com.",
    order_label: "Numero d'ordine (facoltativo)",
    order_invalid: "Questo numero d'ordine è troppo lungo (massimo 120 caratteri).",
    contact_submit: "Invia",
    contact_saved: "Grazie! Ti risponderemo via email.",
    queued: "Sei offline. Il tuo messaggio verrà inviato appena torni online.",
    retrying: |secs| format!("Problema di connessione. Nuovo tentativo tra {secs} s…"),
    check: "Un rapido controllo prima di passarti a una persona",
    no_person: "Al momento non è possibile parlare con una persona tramite la chat.",
    try_after: "Riprova a partire da {when}.",
    write_to: "Puoi anche scrivere a {email}.",
};

pub static RU: Ui = Ui {
    title: "Чат",
    close: "Закрыть чат",
    log: "Переписка",
    suggestions: "Предлагаемые вопросы",
    input_label: "Ваше сообщение",
    placeholder: "Напишите свой вопрос…",
    send: "Отправить",
    retry: "Повторить",
    loading: "Загрузка…",
    unavailable: "Не удалось загрузить чат.",
    not_sent: "Сообщение не отправлено.",
    busy: "Сейчас много обращений. Скоро попробуем ещё раз…",
    refused: "Не удалось принять это сообщение. Пожалуйста, сформулируйте его иначе.",
    refused_long: "Сообщение слишком длинное. Пожалуйста, сократите его.",
    too_long: |n, max| {
        let chars = ru_plural(n as u64, "символ", "символа", "символов");
        format!("В сообщении {n} {chars}, а можно не больше {max}. Пожалуйста, сократите его.")
    },
    ticket: "Обращение",
    reply_by: "ответ до",
    open_chat: "Открыть чат",
    unread: |n| {
        let messages = ru_plural(
            n as u64,
            "новое сообщение",
            "новых сообщения",
            "новых сообщений",
        );
        format!("{n} {messages}")
    },
    online: "В сети",
    away: "Нет на месте",
    replies_within: |n| match n {
        1 => "Обычно отвечаем в течение часа".into(),
        // Genitive after «в течение»: 21 часа, 2 часов, 5 часов.
        n => {
            let hours = ru_plural(u64::from(n), "часа", "часов", "часов");
            format!("Обычно отвечаем в течение {n} {hours}")
        }
    },
    back_at: |when| format!("Вернёмся {when}"),
    contact_prompt: "Куда вам ответить? Оставьте адрес электронной почты, и мы вам напишем.",
    email_label: "Электронная почта",
    email_invalid: "Введите адрес электронной почты, например name@example.com.",
    order_label: "Номер заказа (необязательно)",
    order_invalid: "Слишком длинный номер заказа (не больше 120 символов).",
    contact_submit: "Отправить",
    contact_saved: "Спасибо! Мы ответим вам по электронной почте.",
    queued: "Нет подключения к интернету. Сообщение отправится, когда связь восстановится.",
    retrying: |secs| {
        // Accusative after «через»: 1 секунду, 2 секунды, 5 секунд.
        let unit = ru_plural(u64::from(secs), "секунду", "секунды", "секунд");
        format!("Проблема с подключением. Повторим через {secs} {unit}…")
    },
    check: "Быстрая проверка перед передачей сотруднику",
    no_person: "Сейчас через чат нельзя связаться с сотрудником.",
    try_after: "Попробуйте снова после {when}.",
    write_to: "Можно также написать на {email}.",
};

/// Simplified Chinese.
pub static ZH: Ui = Ui {
    title: "在线客服",
    close: "关闭聊天窗口",
    log: "对话记录",
    suggestions: "推荐问题",
    input_label: "您的消息",
    placeholder: "请输入您的问题",
    send: "发送",
    retry: "重试",
    loading: "加载中……",
    unavailable: "暂时无法加载聊天。",
    not_sent: "消息未能发送。",
    busy: "当前咨询人数较多，稍后将自动重试……",
    refused: "无法接受这条消息，请换个说法再试。",
    refused_long: "这条消息太长了，请精简后再发送。",
    too_long: |n, max| format!("您的消息有 {n} 个字符，上限为 {max} 个，请精简后再发送。"),
    ticket: "工单",
    reply_by: "预计回复时间",
    open_chat: "打开聊天窗口",
    unread: |n| format!("{n} 条新消息"),
    online: "在线",
    away: "暂时离开",
    replies_within: |n| format!("通常在 {n} 小时内回复"),
    back_at: |when| format!("预计 {when} 恢复在线"),
    contact_prompt: "我们该如何回复您？请留下邮箱地址，我们会通过邮件联系您。",
    email_label: "邮箱",
    email_invalid: "请输入有效的邮箱地址，例如 name@example.com。",
    order_label: "订单号（选填）",
    order_invalid: "订单号太长了（最多 120 个字符）。",
    contact_submit: "提交",
    contact_saved: "谢谢！我们会通过邮件回复您。",
    queued: "您当前处于离线状态，消息将在恢复联网后发送。",
    retrying: |secs| format!("连接出现问题，{secs} 秒后重试……"),
    check: "转交人工客服前的快速验证",
    no_person: "目前无法通过聊天联系人工客服。",
    try_after: "请在 {when} 之后再试。",
    write_to: "您也可以发邮件至 {email}。",
};

pub static JA: Ui = Ui {
    title: "チャット",
    close: "チャットを閉じる",
    log: "会話",
    suggestions: "質問の候補",
    input_label: "メッセージ",
    placeholder: "ご質問を入力してください",
    send: "送信",
    retry: "再試行",
    loading: "読み込み中…",
    unavailable: "チャットを読み込めませんでした。",
    not_sent: "メッセージを送信できませんでした。",
    busy: "ただいま混み合っています。まもなく再試行します…",
    refused: "このメッセージはお受けできませんでした。表現を変えてお送りください。",
    refused_long: "メッセージが長すぎます。短くしてお送りください。",
    too_long: |n, max| {
        format!("メッセージが{n}文字あります（上限は{max}文字です）。短くしてお送りください。")
    },
    ticket: "お問い合わせ番号",
    reply_by: "回答予定",
    open_chat: "チャットを開く",
    unread: |n| format!("新着メッセージ{n}件"),
    online: "オンライン",
    away: "対応時間外",
    replies_within: |n| format!("通常{n}時間以内に返信します"),
    back_at: |when| format!("{when}から対応します"),
    contact_prompt: "返信先を教えてください。メールアドレスをご入力いただければ、メールでご連絡します。",
    email_label: "メールアドレス",
    email_invalid: "name@example.com の形式でメールアドレスを入力してください。",
    order_label: "注文番号（任意）",
    order_invalid: "注文番号が長すぎます（120文字以内）。",
    contact_submit: "送信",
    contact_saved: "ありがとうございます！メールで返信いたします。",
    queued: "オフラインです。オンラインに戻ったらメッセージを送信します。",
    retrying: |secs| format!("接続に問題があります。{secs}秒後に再試行します…"),
    check: "担当者におつなぎする前の簡単な確認",
    no_person: "現在、チャットから担当者にはおつなぎできません。",
    try_after: "{when}以降にもう一度お試しください。",
    write_to: "{email} へのメールでもお問い合わせいただけます。",
};

pub static KO: Ui = Ui {
    title: "채팅",
    close: "채팅 닫기",
    log: "대화",
    suggestions: "추천 질문",
    input_label: "메시지",
    placeholder: "질문을 입력하세요…",
    send: "보내기",
    retry: "다시 시도",
    loading: "불러오는 중…",
    unavailable: "채팅을 불러오지 못했어요.",
    not_sent: "메시지를 보내지 못했어요.",
    busy: "지금 문의가 많아요. 잠시 후 다시 시도할게요…",
    refused: "이 메시지는 받을 수 없어요. 다르게 표현해 주세요.",
    refused_long: "메시지가 너무 길어요. 줄여 주세요.",
    too_long: |n, max| format!("메시지가 {n}자예요. 최대 {max}자까지 보낼 수 있으니 줄여 주세요."),
    ticket: "문의 번호",
    reply_by: "답변 예정",
    open_chat: "채팅 열기",
    unread: |n| format!("새 메시지 {n}개"),
    online: "온라인",
    away: "자리 비움",
    replies_within: |n| format!("보통 {n}시간 이내에 답변해요"),
    back_at: |when| format!("{when}에 돌아와요"),
    contact_prompt: "어디로 답변드릴까요? 이메일 주소를 남겨 주시면 메일로 연락드릴게요.",
    email_label: "이메일",
    email_invalid: "name@example.com 같은 형식으로 이메일 주소를 입력해 주세요.",
    order_label: "주문 번호 (선택)",
    order_invalid: "주문 번호가 너무 길어요 (최대 120자).",
    contact_submit: "보내기",
    contact_saved: "감사합니다! 이메일로 답변드릴게요.",
    queued: "오프라인 상태예요. 다시 연결되면 메시지를 보낼게요.",
    retrying: |secs| format!("연결에 문제가 있어요. {secs}초 후에 다시 시도할게요…"),
    check: "상담원에게 연결하기 전 간단한 확인",
    no_person: "지금은 채팅으로 상담원과 연결할 수 없어요.",
    try_after: "{when} 이후에 다시 시도해 주세요.",
    write_to: "{email}(으)로 이메일을 보내셔도 돼요.",
};

/// Right to left: see [`is_rtl`].
pub static AR: Ui = Ui {
    title: "الدردشة",
    close: "إغلاق الدردشة",
    log: "المحادثة",
    suggestions: "أسئلة مقترحة",
    input_label: "رسالتك",
    placeholder: "اكتب سؤالك…",
    send: "إرسال",
    retry: "إعادة المحاولة",
    loading: "جارٍ التحميل…",
    unavailable: "تعذّر تحميل الدردشة الآن.",
    not_sent: "لم يتم إرسال رسالتك.",
    busy: "لدينا ضغط كبير حاليًا. سنحاول مجددًا بعد لحظات…",
    refused: "تعذّر قبول هذه الرسالة. يُرجى إعادة صياغتها.",
    refused_long: "هذه الرسالة طويلة جدًا. يُرجى اختصارها.",
    // "The number of characters in your message is n": no counted noun after the number.
    too_long: |n, max| format!("عدد أحرف رسالتك {n}، والحد الأقصى {max}. يُرجى اختصارها."),
    ticket: "تذكرة",
    reply_by: "الرد قبل",
    open_chat: "فتح الدردشة",
    unread: |n| match ar_plural(n as u64) {
        ArPlural::One => "رسالة جديدة واحدة".into(),
        ArPlural::Two => format!("{n} رسالتان جديدتان"),
        ArPlural::Few => format!("{n} رسائل جديدة"),
        ArPlural::Many => format!("{n} رسالة جديدة"),
    },
    online: "متصل",
    away: "غير متاح حاليًا",
    replies_within: |n| match ar_plural(u64::from(n)) {
        ArPlural::One => "نرد عادةً خلال ساعة".into(),
        ArPlural::Two => format!("نرد عادةً خلال {n} ساعتين"),
        ArPlural::Few => format!("نرد عادةً خلال {n} ساعات"),
        ArPlural::Many => format!("نرد عادةً خلال {n} ساعة"),
    },
    back_at: |when| format!("نعود في {when}"),
    contact_prompt: "أين نرد عليك؟ اترك بريدك الإلكتروني وسنراسلك.",
    email_label: "البريد الإلكتروني",
    email_invalid: "يُرجى إدخال بريد إلكتروني صالح مثل name@example.com.",
    order_label: "رقم الطلب (اختياري)",
    order_invalid: "رقم الطلب طويل جدًا (120 حرفًا كحد أقصى).",
    contact_submit: "إرسال",
    contact_saved: "شكرًا! سنرد عليك عبر البريد الإلكتروني.",
    queued: "أنت غير متصل بالإنترنت. سيتم إرسال رسالتك عند عودة الاتصال.",
    retrying: |secs| {
        let wait = match ar_plural(u64::from(secs)) {
            ArPlural::One => format!("{secs} ثانية"),
            ArPlural::Two => format!("{secs} ثانيتين"),
            ArPlural::Few => format!("{secs} ثوانٍ"),
            ArPlural::Many => format!("{secs} ثانية"),
        };
        format!("مشكلة في الاتصال. سنحاول مجددًا بعد {wait}…")
    },
    check: "تحقق سريع قبل تحويل رسالتك إلى أحد موظفينا",
    no_person: "لا يمكن التواصل مع أحد موظفينا عبر الدردشة حاليًا.",
    try_after: "يُرجى المحاولة مجددًا بعد {when}.",
    write_to: "يمكنك أيضًا مراسلتنا على {email}.",
};

pub static TR: Ui = Ui {
    title: "Sohbet",
    close: "Sohbeti kapat",
    log: "Konuşma",
    suggestions: "Önerilen sorular",
    input_label: "Mesajınız",
    placeholder: "Sorunuzu yazın…",
    send: "Gönder",
    retry: "Tekrar dene",
    loading: "Yükleniyor…",
    unavailable: "Sohbet şu anda yüklenemedi.",
    not_sent: "Mesajınız gönderilmedi.",
    busy: "Şu anda çok yoğunuz. Birazdan tekrar deneyeceğiz…",
    refused: "Bu mesaj kabul edilemedi. Lütfen farklı bir şekilde ifade edin.",
    refused_long: "Bu mesaj çok uzun. Lütfen kısaltın.",
    too_long: |n, max| {
        format!("Mesajınız {n} karakter; en fazla {max} karakter olabilir. Lütfen kısaltın.")
    },
    ticket: "Talep",
    reply_by: "yanıt en geç",
    open_chat: "Sohbeti aç",
    unread: |n| format!("{n} yeni mesaj"),
    online: "Çevrimiçi",
    away: "Uzakta",
    replies_within: |n| match n {
        1 => "Genellikle bir saat içinde yanıt veririz".into(),
        n => format!("Genellikle {n} saat içinde yanıt veririz"),
    },
    back_at: |when| format!("{when} itibarıyla tekrar buradayız"),
    contact_prompt: "Size nereden yanıt verelim? E-posta adresinizi bırakın, size yazalım.",
    email_label: "E-posta",
    email_invalid: "Lütfen name@example.com gibi bir e-posta adresi girin.",
    order_label: "Sipariş numarası (isteğe bağlı)",
    order_invalid: "Bu sipariş numarası çok uzun (en fazla 120 karakter).",
    contact_submit: "Gönder",
    contact_saved: "Teşekkürler! Size e-postayla yanıt vereceğiz.",
    queued: "Çevrimdışısınız. Mesajınız tekrar çevrimiçi olduğunuzda gönderilecek.",
    retrying: |secs| format!("Bağlantı sorunu. {secs} saniye sonra tekrar denenecek…"),
    check: "Bir temsilciye aktarmadan önce kısa bir doğrulama",
    no_person: "Şu anda sohbet üzerinden bir temsilciye ulaşılamıyor.",
    try_after: "{when} sonrasında tekrar deneyin.",
    write_to: "{email} adresine de yazabilirsiniz.",
};

/// Hebrew, right to left: see [`is_rtl`]. Gender-neutral: action nouns on buttons, plural
/// imperatives in sentences.
pub static HE: Ui = Ui {
    title: "צ׳אט",
    close: "סגירת הצ׳אט",
    log: "שיחה",
    suggestions: "שאלות מוצעות",
    input_label: "ההודעה שלך",
    placeholder: "כתבו כאן את השאלה…",
    send: "שליחה",
    retry: "ניסיון חוזר",
    loading: "בטעינה…",
    unavailable: "לא ניתן לטעון את הצ׳אט כרגע.",
    not_sent: "ההודעה לא נשלחה.",
    busy: "יש עומס כרגע. ננסה שוב בעוד רגע…",
    refused: "לא הצלחנו לקבל את ההודעה הזו. נסו לנסח אותה אחרת.",
    refused_long: "ההודעה ארוכה מדי. נסו לקצר אותה.",
    too_long: |n, max| format!("ההודעה כוללת {n} תווים, והמגבלה היא {max}. נסו לקצר אותה."),
    ticket: "פנייה",
    reply_by: "מענה עד",
    open_chat: "פתיחת הצ׳אט",
    unread: |n| match n {
        1 => "הודעה חדשה אחת".into(),
        n => format!("{n} הודעות חדשות"),
    },
    online: "מחוברים",
    away: "לא זמינים כרגע",
    replies_within: |n| match n {
        1 => "בדרך כלל עונים תוך שעה".into(),
        n => format!("בדרך כלל עונים תוך {n} שעות"),
    },
    back_at: |when| format!("נחזור ב־{when}"),
    contact_prompt: "לאן לשלוח את התשובה? השאירו כתובת אימייל ונכתוב לכם.",
    email_label: "אימייל",
    email_invalid: "יש להזין כתובת אימייל, למשל name@example.com.",
    order_label: "מספר הזמנה (לא חובה)",
    order_invalid: "מספר ההזמנה ארוך מדי (עד 120 תווים).",
    contact_submit: "שליחה",
    contact_saved: "תודה! נענה לכם באימייל.",
    queued: "אין חיבור לאינטרנט. ההודעה תישלח כשהחיבור יחזור.",
    retrying: |secs| match secs {
        1 => "בעיה בחיבור. ננסה שוב בעוד 1 שנייה…".into(),
        secs => format!("בעיה בחיבור. ננסה שוב בעוד {secs} שניות…"),
    },
    check: "בדיקה קצרה לפני שנעביר את הפנייה לנציג",
    no_person: "כרגע אי אפשר להגיע לנציג דרך הצ׳אט.",
    try_after: "אפשר לנסות שוב אחרי {when}.",
    write_to: "אפשר גם לכתוב אלינו לכתובת {email}.",
};

/// The Russian form for `n`: `one` (1, 21, 101…), `few` (2–4, 22–24…) or `many` (0, 5–20,
/// 25–30, 111–114…).
fn ru_plural(n: u64, one: &'static str, few: &'static str, many: &'static str) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=14) => many,
        (1, _) => one,
        (2..=4, _) => few,
        _ => many,
    }
}

/// Arabic number agreement, written with digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArPlural {
    /// Exactly 1: singular, the number usually spelled after the noun.
    One,
    /// Exactly 2: dual.
    Two,
    /// 3–10, 103–110…: plural.
    Few,
    /// Everything else (0, 11–99, 100–102, 111–199…): singular noun (accusative after 11–99,
    /// genitive after hundreds; the same spelling for the feminine nouns used here).
    Many,
}

fn ar_plural(n: u64) -> ArPlural {
    match (n, n % 100) {
        (1, _) => ArPlural::One,
        (2, _) => ArPlural::Two,
        (_, 3..=10) => ArPlural::Few,
        _ => ArPlural::Many,
    }
}

/// Tables are compared by identity: each language has exactly one.
impl PartialEq for Ui {
    fn eq(&self, other: &Ui) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Ui {}

/// Every table with its language code, English first: the one list of the languages the
/// panel speaks (each a [`LangCode`]; `i18n/tests.rs` checks).
pub static TABLES: [(&str, &Ui); 13] = [
    ("en", &EN),
    ("es", &ES),
    ("pt", &PT),
    ("fr", &FR),
    ("de", &DE),
    ("it", &IT),
    ("ru", &RU),
    ("zh", &ZH),
    ("ja", &JA),
    ("ko", &KO),
    ("ar", &AR),
    ("tr", &TR),
    ("he", &HE),
];

/// The table for a language code (`de`, `pt`), English when there is none.
pub fn ui(lang: &str) -> &'static Ui {
    TABLES
        .iter()
        .find(|(code, _)| *code == lang)
        .map_or(&EN, |(_, table)| table)
}

/// The code of the table for a bare language code (`de`, any case), `None` when there is
/// none (the caller then picks another language, or English).
pub fn table(lang: &str) -> Option<&'static str> {
    TABLES
        .iter()
        .map(|(code, _)| *code)
        .find(|code| code.eq_ignore_ascii_case(lang))
}

/// Whether a language is written right to left, so the panel needs `dir="rtl"` (Arabic,
/// Hebrew: [`LangCode::is_rtl`]). Takes a bare code (`he`) or a tag (`ar-EG`), in any case.
pub fn is_rtl(lang: &str) -> bool {
    LangCode::parse(lang).is_some_and(LangCode::is_rtl)
}

#[cfg(test)]
mod tests;
