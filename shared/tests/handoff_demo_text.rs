//! The demo shop's handoff replies (`edge/sites/demo.toml`) as shoppers read them, whole, in
//! each of its languages, at the moments that change the wording: within opening hours (a
//! reply by tomorrow), before opening (back today), on Friday evening (back on Monday) and on
//! a holiday; then the confirmation once the email is in, and a shopper whose browser gave no
//! time zone. Each shopper is in a zone of their own, so the times are theirs, not the
//! shop's. Update with `UPDATE_EXPECT=1 cargo test -p ferry-shared --test handoff_demo_text`
//! and read the sentences in the diff.

use chrono::TimeZone;
use chrono_tz::Tz;
use expect_test::expect;
use ferry_shared::wire::ChatRequest;
use ferry_shared::{CompiledSite, HandoffPlan, Outcome, route};

const AMS: Tz = chrono_tz::Europe::Amsterdam;

/// Per language of the demo: a message that goes to a person (no rule answers it) and where
/// the shopper is.
const SHOPPERS: [(&str, &str, &str); 14] = [
    ("en", "the parcel arrived damaged", "America/New_York"),
    ("es", "el paquete llegó dañado", "America/Mexico_City"),
    ("pt", "o produto chegou quebrado", "America/Sao_Paulo"),
    ("fr", "le colis est arrivé abîmé", "Europe/Paris"),
    ("de", "Paket kam beschädigt an", "Europe/Berlin"),
    ("it", "il pacco è arrivato danneggiato", "Europe/Rome"),
    ("ru", "посылка пришла поврежденная", "Europe/Moscow"),
    ("zh", "收到的耳机坏了", "Asia/Shanghai"),
    ("ja", "届いた商品が壊れていました", "Asia/Tokyo"),
    ("ar", "وصل الطلب تالف", "Asia/Riyadh"),
    ("nl", "het pakket kwam beschadigd aan", "Europe/Amsterdam"),
    ("pl", "paczka przyszła uszkodzona", "Europe/Warsaw"),
    ("tr", "paket hasarlı geldi", "Europe/Istanbul"),
    ("ko", "택배가 파손되어 도착했어요", "Asia/Seoul"),
];

fn site() -> CompiledSite {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../edge/sites/demo.toml");
    let source = std::fs::read_to_string(path).expect("read edge/sites/demo.toml");
    CompiledSite::from_toml(&source).unwrap_or_else(|e| panic!("demo.toml does not load: {e}"))
}

fn at((y, mo, d): (i32, u32, u32), h: u32, mi: u32) -> i64 {
    AMS.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("a single instant")
        .timestamp_millis()
}

/// A shopper who has left an email (so the reply does not ask for one).
fn request(lang: &str, text: &str, tz: Option<&str>) -> ChatRequest {
    serde_json::from_value(serde_json::json!({
        "v": 1, "site": "demo", "conversation_id": "c", "client_message_id": "m",
        "text": text, "locale": lang, "time_zone": tz,
        "contact": { "email": "shopper@example.com" },
    }))
    .expect("a valid ChatRequest")
}

/// The reply text of a handoff (panics on an answer: the message was picked to reach a person).
fn reply(site: &CompiledSite, req: &ChatRequest, now: i64) -> (String, i64) {
    let d = route(site, req, now);
    match d.outcome {
        Outcome::Handoff(HandoffPlan { text, reply_by, .. }) => (text, reply_by),
        other => panic!("{}: expected a handoff, got {other:?}", req.text),
    }
}

/// Every shopper's reply at `now`, one block per language.
fn replies(now: i64) -> String {
    let site = site();
    let mut out = String::new();
    for (lang, text, tz) in SHOPPERS {
        let (reply, _) = reply(&site, &request(lang, text, Some(tz)), now);
        out.push_str(&format!("{lang} ({tz}):\n{reply}\n\n"));
    }
    out
}

#[test]
fn within_hours_a_person_replies_by_tomorrow() {
    // Tuesday 24 November 2026, 14:00 in Amsterdam: open; 8 business hours is Wednesday 13:00.
    expect![[r#"
        en (America/New_York):
        Thanks, I've passed this to our support team. A person will reply here and by email by 7:00 AM tomorrow (your time).

        es (America/Mexico_City):
        Gracias, he pasado tu consulta a nuestro equipo. Una persona te responderá aquí y por correo mañana antes de las 6:00 (tu hora local).

        pt (America/Sao_Paulo):
        Obrigado, encaminhei sua mensagem para a nossa equipe. Uma pessoa vai responder aqui e por e-mail amanhã até as 09:00 (seu horário).

        fr (Europe/Paris):
        Merci, j'ai transmis votre message à notre équipe. Une personne vous répondra ici et par e-mail demain avant 13:00 (votre heure locale).

        de (Europe/Berlin):
        Danke, ich habe Ihre Nachricht an unser Team weitergegeben. Eine Person antwortet Ihnen morgen bis 13:00 Uhr (Ihre Ortszeit) hier und per E-Mail.

        it (Europe/Rome):
        Grazie, ho inoltrato il tuo messaggio al nostro team. Una persona ti risponderà qui e via e-mail domani entro le 13:00 (ora locale).

        ru (Europe/Moscow):
        Спасибо, я передал ваше сообщение нашей команде. Сотрудник ответит здесь и по электронной почте завтра до 15:00 (по вашему времени).

        zh (Asia/Shanghai):
        谢谢,我已将您的问题转交给我们的客服团队。工作人员会在明天 20:00(您当地时间)之前通过这里和邮件回复您。

        ja (Asia/Tokyo):
        ありがとうございます。担当チームにお伝えしました。明日 21:00(現地時間)までに担当者がこちらとメールでご返信します。

        ar (Asia/Riyadh):
        شكرًا، لقد أحلت رسالتك إلى فريق الدعم. سيرد عليك أحد أفراد الفريق هنا وعبر البريد الإلكتروني غدًا قبل الساعة 3:00 م (بتوقيتك).

        nl (Europe/Amsterdam):
        Bedankt, ik heb je bericht doorgegeven aan ons supportteam. Een medewerker antwoordt je morgen vóór 13:00 (lokale tijd) hier en per e-mail.

        pl (Europe/Warsaw):
        Dziękujemy, wiadomość została przekazana do naszego zespołu obsługi klienta. Jeden z pracowników odpowie tutaj i e-mailem jutro do 13:00 (czasu lokalnego).

        tr (Europe/Istanbul):
        Teşekkür ederiz, mesajınızı destek ekibimize ilettik. Ekibimizden biri yarın saat 15:00'e kadar (yerel saatinizle) size buradan ve e-postayla yanıt verecek.

        ko (Asia/Seoul):
        감사합니다. 문의 내용을 고객지원팀에 전달했습니다. 내일 오후 9:00(현지 시간)까지 담당자가 채팅과 이메일로 답변해 드리겠습니다.

    "#]].assert_eq(&replies(at((2026, 11, 24), 14, 0)));
}

#[test]
fn before_opening_the_team_is_back_today() {
    // Tuesday 07:30 in Amsterdam: opens at 09:00, replies by 17:00.
    expect![[r#"
        en (America/New_York):
        Thanks, I've passed this to our support team. A person will reply here and by email by 11:00 AM today (your time).

        Our team is offline right now and back at 3:00 AM today (your time).

        es (America/Mexico_City):
        Gracias, he pasado tu consulta a nuestro equipo. Una persona te responderá aquí y por correo hoy antes de las 10:00 (tu hora local).

        Nuestro equipo no está conectado ahora; vuelve hoy a las 2:00 (tu hora local).

        pt (America/Sao_Paulo):
        Obrigado, encaminhei sua mensagem para a nossa equipe. Uma pessoa vai responder aqui e por e-mail hoje até as 13:00 (seu horário).

        Nossa equipe está offline agora e volta hoje às 05:00 (seu horário).

        fr (Europe/Paris):
        Merci, j'ai transmis votre message à notre équipe. Une personne vous répondra ici et par e-mail aujourd'hui avant 17:00 (votre heure locale).

        Notre équipe est absente pour le moment et revient aujourd'hui à 09:00 (votre heure locale).

        de (Europe/Berlin):
        Danke, ich habe Ihre Nachricht an unser Team weitergegeben. Eine Person antwortet Ihnen heute bis 17:00 Uhr (Ihre Ortszeit) hier und per E-Mail.

        Unser Team ist gerade nicht erreichbar und heute um 09:00 Uhr (Ihre Ortszeit) wieder da.

        it (Europe/Rome):
        Grazie, ho inoltrato il tuo messaggio al nostro team. Una persona ti risponderà qui e via e-mail oggi entro le 17:00 (ora locale).

        Il nostro team ora non è disponibile e torna oggi alle 09:00 (ora locale).

        ru (Europe/Moscow):
        Спасибо, я передал ваше сообщение нашей команде. Сотрудник ответит здесь и по электронной почте сегодня до 19:00 (по вашему времени).

        Сейчас наша команда не на связи и вернётся сегодня в 11:00 (по вашему времени).

        zh (Asia/Shanghai):
        谢谢,我已将您的问题转交给我们的客服团队。工作人员会在明天 00:00(您当地时间)之前通过这里和邮件回复您。

        我们的团队目前不在线,将于今天 16:00(您当地时间)回来。

        ja (Asia/Tokyo):
        ありがとうございます。担当チームにお伝えしました。明日 1:00(現地時間)までに担当者がこちらとメールでご返信します。

        ただいま担当チームは営業時間外です。今日 17:00(現地時間)に再開します。

        ar (Asia/Riyadh):
        شكرًا، لقد أحلت رسالتك إلى فريق الدعم. سيرد عليك أحد أفراد الفريق هنا وعبر البريد الإلكتروني اليوم قبل الساعة 7:00 م (بتوقيتك).

        فريقنا غير متصل الآن وسيعود اليوم في الساعة 11:00 ص (بتوقيتك).

        nl (Europe/Amsterdam):
        Bedankt, ik heb je bericht doorgegeven aan ons supportteam. Een medewerker antwoordt je vandaag vóór 17:00 (lokale tijd) hier en per e-mail.

        Ons team is op dit moment offline en is vandaag om 09:00 (lokale tijd) weer terug.

        pl (Europe/Warsaw):
        Dziękujemy, wiadomość została przekazana do naszego zespołu obsługi klienta. Jeden z pracowników odpowie tutaj i e-mailem dzisiaj do 17:00 (czasu lokalnego).

        Nasz zespół jest teraz niedostępny i wróci dzisiaj o 09:00 (czasu lokalnego).

        tr (Europe/Istanbul):
        Teşekkür ederiz, mesajınızı destek ekibimize ilettik. Ekibimizden biri bugün saat 19:00'a kadar (yerel saatinizle) size buradan ve e-postayla yanıt verecek.

        Ekibimiz şu anda çevrim dışı; bugün saat 11:00'de (yerel saatinizle) yeniden hizmetinizde olacak.

        ko (Asia/Seoul):
        감사합니다. 문의 내용을 고객지원팀에 전달했습니다. 내일 오전 1:00(현지 시간)까지 담당자가 채팅과 이메일로 답변해 드리겠습니다.

        지금은 고객지원팀 운영 시간이 아닙니다. 오늘 오후 5:00(현지 시간)에 다시 업무를 시작합니다.

    "#]].assert_eq(&replies(at((2026, 11, 24), 7, 30)));
}

#[test]
fn on_friday_evening_the_team_is_back_on_monday() {
    // Friday 27 November, 19:30 in Amsterdam: opens Monday 09:00, replies by Monday 17:00.
    expect![[r#"
        en (America/New_York):
        Thanks, I've passed this to our support team. A person will reply here and by email by 11:00 AM on Monday (your time).

        Our team is offline right now and back at 3:00 AM on Monday (your time).

        es (America/Mexico_City):
        Gracias, he pasado tu consulta a nuestro equipo. Una persona te responderá aquí y por correo el lunes antes de las 10:00 (tu hora local).

        Nuestro equipo no está conectado ahora; vuelve el lunes a las 2:00 (tu hora local).

        pt (America/Sao_Paulo):
        Obrigado, encaminhei sua mensagem para a nossa equipe. Uma pessoa vai responder aqui e por e-mail na segunda-feira até as 13:00 (seu horário).

        Nossa equipe está offline agora e volta na segunda-feira às 05:00 (seu horário).

        fr (Europe/Paris):
        Merci, j'ai transmis votre message à notre équipe. Une personne vous répondra ici et par e-mail lundi avant 17:00 (votre heure locale).

        Notre équipe est absente pour le moment et revient lundi à 09:00 (votre heure locale).

        de (Europe/Berlin):
        Danke, ich habe Ihre Nachricht an unser Team weitergegeben. Eine Person antwortet Ihnen am Montag bis 17:00 Uhr (Ihre Ortszeit) hier und per E-Mail.

        Unser Team ist gerade nicht erreichbar und am Montag um 09:00 Uhr (Ihre Ortszeit) wieder da.

        it (Europe/Rome):
        Grazie, ho inoltrato il tuo messaggio al nostro team. Una persona ti risponderà qui e via e-mail lunedì entro le 17:00 (ora locale).

        Il nostro team ora non è disponibile e torna lunedì alle 09:00 (ora locale).

        ru (Europe/Moscow):
        Спасибо, я передал ваше сообщение нашей команде. Сотрудник ответит здесь и по электронной почте в понедельник до 19:00 (по вашему времени).

        Сейчас наша команда не на связи и вернётся в понедельник в 11:00 (по вашему времени).

        zh (Asia/Shanghai):
        谢谢,我已将您的问题转交给我们的客服团队。工作人员会在星期二 00:00(您当地时间)之前通过这里和邮件回复您。

        我们的团队目前不在线,将于星期一 16:00(您当地时间)回来。

        ja (Asia/Tokyo):
        ありがとうございます。担当チームにお伝えしました。火曜日 1:00(現地時間)までに担当者がこちらとメールでご返信します。

        ただいま担当チームは営業時間外です。月曜日 17:00(現地時間)に再開します。

        ar (Asia/Riyadh):
        شكرًا، لقد أحلت رسالتك إلى فريق الدعم. سيرد عليك أحد أفراد الفريق هنا وعبر البريد الإلكتروني يوم الاثنين قبل الساعة 7:00 م (بتوقيتك).

        فريقنا غير متصل الآن وسيعود يوم الاثنين في الساعة 11:00 ص (بتوقيتك).

        nl (Europe/Amsterdam):
        Bedankt, ik heb je bericht doorgegeven aan ons supportteam. Een medewerker antwoordt je maandag vóór 17:00 (lokale tijd) hier en per e-mail.

        Ons team is op dit moment offline en is maandag om 09:00 (lokale tijd) weer terug.

        pl (Europe/Warsaw):
        Dziękujemy, wiadomość została przekazana do naszego zespołu obsługi klienta. Jeden z pracowników odpowie tutaj i e-mailem w poniedziałek do 17:00 (czasu lokalnego).

        Nasz zespół jest teraz niedostępny i wróci w poniedziałek o 09:00 (czasu lokalnego).

        tr (Europe/Istanbul):
        Teşekkür ederiz, mesajınızı destek ekibimize ilettik. Ekibimizden biri pazartesi saat 19:00'a kadar (yerel saatinizle) size buradan ve e-postayla yanıt verecek.

        Ekibimiz şu anda çevrim dışı; pazartesi saat 11:00'de (yerel saatinizle) yeniden hizmetinizde olacak.

        ko (Asia/Seoul):
        감사합니다. 문의 내용을 고객지원팀에 전달했습니다. 화요일 오전 1:00(현지 시간)까지 담당자가 채팅과 이메일로 답변해 드리겠습니다.

        지금은 고객지원팀 운영 시간이 아닙니다. 월요일 오후 5:00(현지 시간)에 다시 업무를 시작합니다.

    "#]].assert_eq(&replies(at((2026, 11, 27), 19, 30)));
}

#[test]
fn on_a_holiday_the_holiday_notice_says_when() {
    // Christmas Day 2026 (a Friday): back on Monday 28 December.
    expect![[r#"
        en (America/New_York):
        Thanks, I've passed this to our support team. A person will reply here and by email by 11:00 AM on Monday (your time).

        Our team is off for a public holiday and back at 3:00 AM on Monday (your time).

        es (America/Mexico_City):
        Gracias, he pasado tu consulta a nuestro equipo. Una persona te responderá aquí y por correo el lunes antes de las 10:00 (tu hora local).

        Nuestro equipo descansa por un día festivo; vuelve el lunes a las 2:00 (tu hora local).

        pt (America/Sao_Paulo):
        Obrigado, encaminhei sua mensagem para a nossa equipe. Uma pessoa vai responder aqui e por e-mail na segunda-feira até as 13:00 (seu horário).

        Nossa equipe está de folga por um feriado e volta na segunda-feira às 05:00 (seu horário).

        fr (Europe/Paris):
        Merci, j'ai transmis votre message à notre équipe. Une personne vous répondra ici et par e-mail lundi avant 17:00 (votre heure locale).

        Notre équipe est en congé pour un jour férié et revient lundi à 09:00 (votre heure locale).

        de (Europe/Berlin):
        Danke, ich habe Ihre Nachricht an unser Team weitergegeben. Eine Person antwortet Ihnen am Montag bis 17:00 Uhr (Ihre Ortszeit) hier und per E-Mail.

        Unser Team hat heute Feiertag und ist am Montag um 09:00 Uhr (Ihre Ortszeit) wieder da.

        it (Europe/Rome):
        Grazie, ho inoltrato il tuo messaggio al nostro team. Una persona ti risponderà qui e via e-mail lunedì entro le 17:00 (ora locale).

        Il nostro team è in pausa per una festività e torna lunedì alle 09:00 (ora locale).

        ru (Europe/Moscow):
        Спасибо, я передал ваше сообщение нашей команде. Сотрудник ответит здесь и по электронной почте в понедельник до 19:00 (по вашему времени).

        Сегодня у нашей команды праздничный выходной; мы вернёмся в понедельник в 11:00 (по вашему времени).

        zh (Asia/Shanghai):
        谢谢,我已将您的问题转交给我们的客服团队。工作人员会在星期二 00:00(您当地时间)之前通过这里和邮件回复您。

        我们的团队正值公共假期休息,将于星期一 16:00(您当地时间)回来。

        ja (Asia/Tokyo):
        ありがとうございます。担当チームにお伝えしました。火曜日 1:00(現地時間)までに担当者がこちらとメールでご返信します。

        担当チームは祝日のためお休みをいただいております。月曜日 17:00(現地時間)に再開します。

        ar (Asia/Riyadh):
        شكرًا، لقد أحلت رسالتك إلى فريق الدعم. سيرد عليك أحد أفراد الفريق هنا وعبر البريد الإلكتروني يوم الاثنين قبل الساعة 7:00 م (بتوقيتك).

        فريقنا في عطلة رسمية وسيعود يوم الاثنين في الساعة 11:00 ص (بتوقيتك).

        nl (Europe/Amsterdam):
        Bedankt, ik heb je bericht doorgegeven aan ons supportteam. Een medewerker antwoordt je maandag vóór 17:00 (lokale tijd) hier en per e-mail.

        Ons team is vrij vanwege een feestdag en is maandag om 09:00 (lokale tijd) weer terug.

        pl (Europe/Warsaw):
        Dziękujemy, wiadomość została przekazana do naszego zespołu obsługi klienta. Jeden z pracowników odpowie tutaj i e-mailem w poniedziałek do 17:00 (czasu lokalnego).

        Nasz zespół ma wolne z powodu święta i wróci w poniedziałek o 09:00 (czasu lokalnego).

        tr (Europe/Istanbul):
        Teşekkür ederiz, mesajınızı destek ekibimize ilettik. Ekibimizden biri pazartesi saat 19:00'a kadar (yerel saatinizle) size buradan ve e-postayla yanıt verecek.

        Ekibimiz resmî tatil nedeniyle izinde; pazartesi saat 11:00'de (yerel saatinizle) yeniden hizmetinizde olacak.

        ko (Asia/Seoul):
        감사합니다. 문의 내용을 고객지원팀에 전달했습니다. 화요일 오전 1:00(현지 시간)까지 담당자가 채팅과 이메일로 답변해 드리겠습니다.

        고객지원팀은 공휴일로 쉬고 있습니다. 월요일 오후 5:00(현지 시간)에 다시 업무를 시작합니다.

    "#]].assert_eq(&replies(at((2026, 12, 25), 11, 0)));
}

#[test]
fn the_contact_confirmation_and_a_shopper_without_a_zone() {
    let site = site();
    let now = at((2026, 11, 27), 19, 30);
    let mut out = String::new();
    for (lang, text, tz) in SHOPPERS {
        let (_, reply_by) = reply(&site, &request(lang, text, Some(tz)), now);
        let thanks = site
            .contact_thanks(lang, reply_by, now, Some(tz))
            .expect("the demo asks for contacts");
        out.push_str(&format!("{lang}: {thanks}\n"));
    }
    // No time zone from the browser: the times are UTC, and say so.
    let (en, _) = reply(&site, &request("en", SHOPPERS[0].1, None), now);
    out.push_str(&format!("\nen (no zone):\n{en}\n"));
    expect![[r#"
        en: Thank you! Our team will reply to that address by 11:00 AM on Monday (your time).
        es: ¡Gracias! Nuestro equipo te responderá a esa dirección el lunes antes de las 10:00 (tu hora local).
        pt: Obrigado! Nossa equipe vai responder nesse endereço na segunda-feira até as 13:00 (seu horário).
        fr: Merci ! Notre équipe vous répondra à cette adresse lundi avant 17:00 (votre heure locale).
        de: Danke! Unser Team antwortet Ihnen am Montag bis 17:00 Uhr (Ihre Ortszeit) an diese Adresse.
        it: Grazie! Il nostro team ti risponderà a quell'indirizzo lunedì entro le 17:00 (ora locale).
        ru: Спасибо! Наша команда ответит на этот адрес в понедельник до 19:00 (по вашему времени).
        zh: 谢谢!我们的团队会在星期二 00:00(您当地时间)之前回复到该邮箱。
        ja: ありがとうございます。火曜日 1:00(現地時間)までにそのアドレスへご返信します。
        ar: شكرًا! سيرد فريقنا على هذا العنوان يوم الاثنين قبل الساعة 7:00 م (بتوقيتك).
        nl: Bedankt! Ons team antwoordt je maandag vóór 17:00 (lokale tijd) op dat adres.
        pl: Dziękujemy! Nasz zespół odpowie na ten adres w poniedziałek do 17:00 (czasu lokalnego).
        tr: Teşekkür ederiz! Ekibimiz pazartesi saat 19:00'a kadar (yerel saatinizle) bu adrese yanıt verecek.
        ko: 감사합니다! 화요일 오전 1:00(현지 시간)까지 해당 주소로 답변해 드리겠습니다.

        en (no zone):
        Thanks, I've passed this to our support team. A person will reply here and by email by 4:00 PM on Monday (UTC).

        Our team is offline right now and back at 8:00 AM on Monday (UTC).
    "#]].assert_eq(&out);
}
