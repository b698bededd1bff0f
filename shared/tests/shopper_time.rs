//! The time phrases shoppers read, `{reply_by}` (a deadline) and `{opens_at}` (a moment), in
//! every language: each case of day (today, tomorrow, a weekday this week, a later date, a
//! date next year) with the shopper's own zone and without one (UTC), and the articles and
//! suffixes that agree with the hour. Read the snapshots as sentences: each phrase must fit
//! "A person will reply ___." and "We are back ___." in its language. Update them with
//! `UPDATE_EXPECT=1 cargo test -p ferry-shared --test shopper_time` and read the diff.

use chrono::TimeZone;
use chrono_tz::Tz;
use expect_test::expect;
use ferry_shared::hours::{TimePhrase, for_shopper};
use ferry_shared::lang::LangCode;

/// The shopper's zone in the known-zone rows; the UTC rows use the same wall-clock times.
const SHOPPER: Tz = chrono_tz::Asia::Tokyo;

fn at(tz: Tz, (y, mo, d): (i32, u32, u32), h: u32, mi: u32) -> i64 {
    tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("a single instant")
        .timestamp_millis()
}

/// Both phrases for one instant: "by … | at …".
fn both(ms: i64, now: i64, tz: Option<&str>, lang: LangCode) -> String {
    format!(
        "{} | {}",
        for_shopper(TimePhrase::By, ms, now, tz, lang),
        for_shopper(TimePhrase::At, ms, now, tz, lang)
    )
}

#[test]
fn every_case_in_every_language() {
    // Tuesday 24 November 2026, 10:00.
    let now = (2026, 11, 24);
    let cases = [
        ("today", (2026, 11, 24), 16, 0),
        ("tomorrow", (2026, 11, 25), 9, 0),
        ("weekday", (2026, 11, 30), 13, 30),
        ("date", (2026, 12, 14), 9, 0),
        ("next year", (2027, 1, 1), 9, 0),
    ];
    let mut out = String::new();
    for lang in LangCode::ALL {
        out.push_str(&format!("{lang}\n"));
        for (zone, tz_name) in [(SHOPPER, Some(SHOPPER.name())), (Tz::UTC, None)] {
            let label = if tz_name.is_some() { "" } else { " (no zone)" };
            let now = at(zone, now, 10, 0);
            for (case, date, h, mi) in cases {
                let ms = at(zone, date, h, mi);
                out.push_str(&format!(
                    "  {:<20}{}\n",
                    format!("{case}{label}"),
                    both(ms, now, tz_name, lang)
                ));
            }
        }
    }
    expect![[r#"
        en
          today               by 4:00 PM today (your time) | at 4:00 PM today (your time)
          tomorrow            by 9:00 AM tomorrow (your time) | at 9:00 AM tomorrow (your time)
          weekday             by 1:30 PM on Monday (your time) | at 1:30 PM on Monday (your time)
          date                by 9:00 AM on Monday, December 14 (your time) | at 9:00 AM on Monday, December 14 (your time)
          next year           by 9:00 AM on Friday, January 1, 2027 (your time) | at 9:00 AM on Friday, January 1, 2027 (your time)
          today (no zone)     by 4:00 PM today (UTC) | at 4:00 PM today (UTC)
          tomorrow (no zone)  by 9:00 AM tomorrow (UTC) | at 9:00 AM tomorrow (UTC)
          weekday (no zone)   by 1:30 PM on Monday (UTC) | at 1:30 PM on Monday (UTC)
          date (no zone)      by 9:00 AM on Monday, December 14 (UTC) | at 9:00 AM on Monday, December 14 (UTC)
          next year (no zone) by 9:00 AM on Friday, January 1, 2027 (UTC) | at 9:00 AM on Friday, January 1, 2027 (UTC)
        es
          today               hoy antes de las 16:00 (tu hora local) | hoy a las 16:00 (tu hora local)
          tomorrow            mañana antes de las 9:00 (tu hora local) | mañana a las 9:00 (tu hora local)
          weekday             el lunes antes de las 13:30 (tu hora local) | el lunes a las 13:30 (tu hora local)
          date                el lunes 14 de diciembre antes de las 9:00 (tu hora local) | el lunes 14 de diciembre a las 9:00 (tu hora local)
          next year           el viernes 1 de enero de 2027 antes de las 9:00 (tu hora local) | el viernes 1 de enero de 2027 a las 9:00 (tu hora local)
          today (no zone)     hoy antes de las 16:00 (UTC) | hoy a las 16:00 (UTC)
          tomorrow (no zone)  mañana antes de las 9:00 (UTC) | mañana a las 9:00 (UTC)
          weekday (no zone)   el lunes antes de las 13:30 (UTC) | el lunes a las 13:30 (UTC)
          date (no zone)      el lunes 14 de diciembre antes de las 9:00 (UTC) | el lunes 14 de diciembre a las 9:00 (UTC)
          next year (no zone) el viernes 1 de enero de 2027 antes de las 9:00 (UTC) | el viernes 1 de enero de 2027 a las 9:00 (UTC)
        pt
          today               hoje até as 16:00 (seu horário) | hoje às 16:00 (seu horário)
          tomorrow            amanhã até as 09:00 (seu horário) | amanhã às 09:00 (seu horário)
          weekday             na segunda-feira até as 13:30 (seu horário) | na segunda-feira às 13:30 (seu horário)
          date                na segunda-feira, 14 de dezembro, até as 09:00 (seu horário) | na segunda-feira, 14 de dezembro, às 09:00 (seu horário)
          next year           na sexta-feira, 1º de janeiro de 2027, até as 09:00 (seu horário) | na sexta-feira, 1º de janeiro de 2027, às 09:00 (seu horário)
          today (no zone)     hoje até as 16:00 (UTC) | hoje às 16:00 (UTC)
          tomorrow (no zone)  amanhã até as 09:00 (UTC) | amanhã às 09:00 (UTC)
          weekday (no zone)   na segunda-feira até as 13:30 (UTC) | na segunda-feira às 13:30 (UTC)
          date (no zone)      na segunda-feira, 14 de dezembro, até as 09:00 (UTC) | na segunda-feira, 14 de dezembro, às 09:00 (UTC)
          next year (no zone) na sexta-feira, 1º de janeiro de 2027, até as 09:00 (UTC) | na sexta-feira, 1º de janeiro de 2027, às 09:00 (UTC)
        fr
          today               aujourd'hui avant 16:00 (votre heure locale) | aujourd'hui à 16:00 (votre heure locale)
          tomorrow            demain avant 09:00 (votre heure locale) | demain à 09:00 (votre heure locale)
          weekday             lundi avant 13:30 (votre heure locale) | lundi à 13:30 (votre heure locale)
          date                lundi 14 décembre avant 09:00 (votre heure locale) | lundi 14 décembre à 09:00 (votre heure locale)
          next year           vendredi 1er janvier 2027 avant 09:00 (votre heure locale) | vendredi 1er janvier 2027 à 09:00 (votre heure locale)
          today (no zone)     aujourd'hui avant 16:00 (UTC) | aujourd'hui à 16:00 (UTC)
          tomorrow (no zone)  demain avant 09:00 (UTC) | demain à 09:00 (UTC)
          weekday (no zone)   lundi avant 13:30 (UTC) | lundi à 13:30 (UTC)
          date (no zone)      lundi 14 décembre avant 09:00 (UTC) | lundi 14 décembre à 09:00 (UTC)
          next year (no zone) vendredi 1er janvier 2027 avant 09:00 (UTC) | vendredi 1er janvier 2027 à 09:00 (UTC)
        de
          today               heute bis 16:00 Uhr (Ihre Ortszeit) | heute um 16:00 Uhr (Ihre Ortszeit)
          tomorrow            morgen bis 09:00 Uhr (Ihre Ortszeit) | morgen um 09:00 Uhr (Ihre Ortszeit)
          weekday             am Montag bis 13:30 Uhr (Ihre Ortszeit) | am Montag um 13:30 Uhr (Ihre Ortszeit)
          date                am Montag, 14. Dezember, bis 09:00 Uhr (Ihre Ortszeit) | am Montag, 14. Dezember, um 09:00 Uhr (Ihre Ortszeit)
          next year           am Freitag, 1. Januar 2027, bis 09:00 Uhr (Ihre Ortszeit) | am Freitag, 1. Januar 2027, um 09:00 Uhr (Ihre Ortszeit)
          today (no zone)     heute bis 16:00 Uhr (UTC) | heute um 16:00 Uhr (UTC)
          tomorrow (no zone)  morgen bis 09:00 Uhr (UTC) | morgen um 09:00 Uhr (UTC)
          weekday (no zone)   am Montag bis 13:30 Uhr (UTC) | am Montag um 13:30 Uhr (UTC)
          date (no zone)      am Montag, 14. Dezember, bis 09:00 Uhr (UTC) | am Montag, 14. Dezember, um 09:00 Uhr (UTC)
          next year (no zone) am Freitag, 1. Januar 2027, bis 09:00 Uhr (UTC) | am Freitag, 1. Januar 2027, um 09:00 Uhr (UTC)
        it
          today               oggi entro le 16:00 (ora locale) | oggi alle 16:00 (ora locale)
          tomorrow            domani entro le 09:00 (ora locale) | domani alle 09:00 (ora locale)
          weekday             lunedì entro le 13:30 (ora locale) | lunedì alle 13:30 (ora locale)
          date                lunedì 14 dicembre entro le 09:00 (ora locale) | lunedì 14 dicembre alle 09:00 (ora locale)
          next year           venerdì 1º gennaio 2027 entro le 09:00 (ora locale) | venerdì 1º gennaio 2027 alle 09:00 (ora locale)
          today (no zone)     oggi entro le 16:00 (UTC) | oggi alle 16:00 (UTC)
          tomorrow (no zone)  domani entro le 09:00 (UTC) | domani alle 09:00 (UTC)
          weekday (no zone)   lunedì entro le 13:30 (UTC) | lunedì alle 13:30 (UTC)
          date (no zone)      lunedì 14 dicembre entro le 09:00 (UTC) | lunedì 14 dicembre alle 09:00 (UTC)
          next year (no zone) venerdì 1º gennaio 2027 entro le 09:00 (UTC) | venerdì 1º gennaio 2027 alle 09:00 (UTC)
        nl
          today               vandaag vóór 16:00 (lokale tijd) | vandaag om 16:00 (lokale tijd)
          tomorrow            morgen vóór 09:00 (lokale tijd) | morgen om 09:00 (lokale tijd)
          weekday             maandag vóór 13:30 (lokale tijd) | maandag om 13:30 (lokale tijd)
          date                maandag 14 december vóór 09:00 (lokale tijd) | maandag 14 december om 09:00 (lokale tijd)
          next year           vrijdag 1 januari 2027 vóór 09:00 (lokale tijd) | vrijdag 1 januari 2027 om 09:00 (lokale tijd)
          today (no zone)     vandaag vóór 16:00 (UTC) | vandaag om 16:00 (UTC)
          tomorrow (no zone)  morgen vóór 09:00 (UTC) | morgen om 09:00 (UTC)
          weekday (no zone)   maandag vóór 13:30 (UTC) | maandag om 13:30 (UTC)
          date (no zone)      maandag 14 december vóór 09:00 (UTC) | maandag 14 december om 09:00 (UTC)
          next year (no zone) vrijdag 1 januari 2027 vóór 09:00 (UTC) | vrijdag 1 januari 2027 om 09:00 (UTC)
        pl
          today               dzisiaj do 16:00 (czasu lokalnego) | dzisiaj o 16:00 (czasu lokalnego)
          tomorrow            jutro do 09:00 (czasu lokalnego) | jutro o 09:00 (czasu lokalnego)
          weekday             w poniedziałek do 13:30 (czasu lokalnego) | w poniedziałek o 13:30 (czasu lokalnego)
          date                w poniedziałek, 14 grudnia, do 09:00 (czasu lokalnego) | w poniedziałek, 14 grudnia, o 09:00 (czasu lokalnego)
          next year           w piątek, 1 stycznia 2027 r., do 09:00 (czasu lokalnego) | w piątek, 1 stycznia 2027 r., o 09:00 (czasu lokalnego)
          today (no zone)     dzisiaj do 16:00 (UTC) | dzisiaj o 16:00 (UTC)
          tomorrow (no zone)  jutro do 09:00 (UTC) | jutro o 09:00 (UTC)
          weekday (no zone)   w poniedziałek do 13:30 (UTC) | w poniedziałek o 13:30 (UTC)
          date (no zone)      w poniedziałek, 14 grudnia, do 09:00 (UTC) | w poniedziałek, 14 grudnia, o 09:00 (UTC)
          next year (no zone) w piątek, 1 stycznia 2027 r., do 09:00 (UTC) | w piątek, 1 stycznia 2027 r., o 09:00 (UTC)
        ru
          today               сегодня до 16:00 (по вашему времени) | сегодня в 16:00 (по вашему времени)
          tomorrow            завтра до 09:00 (по вашему времени) | завтра в 09:00 (по вашему времени)
          weekday             в понедельник до 13:30 (по вашему времени) | в понедельник в 13:30 (по вашему времени)
          date                в понедельник, 14 декабря, до 09:00 (по вашему времени) | в понедельник, 14 декабря, в 09:00 (по вашему времени)
          next year           в пятницу, 1 января 2027 г., до 09:00 (по вашему времени) | в пятницу, 1 января 2027 г., в 09:00 (по вашему времени)
          today (no zone)     сегодня до 16:00 (UTC) | сегодня в 16:00 (UTC)
          tomorrow (no zone)  завтра до 09:00 (UTC) | завтра в 09:00 (UTC)
          weekday (no zone)   в понедельник до 13:30 (UTC) | в понедельник в 13:30 (UTC)
          date (no zone)      в понедельник, 14 декабря, до 09:00 (UTC) | в понедельник, 14 декабря, в 09:00 (UTC)
          next year (no zone) в пятницу, 1 января 2027 г., до 09:00 (UTC) | в пятницу, 1 января 2027 г., в 09:00 (UTC)
        tr
          today               bugün saat 16:00'ya kadar (yerel saatinizle) | bugün saat 16:00'da (yerel saatinizle)
          tomorrow            yarın saat 09:00'a kadar (yerel saatinizle) | yarın saat 09:00'da (yerel saatinizle)
          weekday             pazartesi saat 13:30'a kadar (yerel saatinizle) | pazartesi saat 13:30'da (yerel saatinizle)
          date                14 Aralık Pazartesi saat 09:00'a kadar (yerel saatinizle) | 14 Aralık Pazartesi saat 09:00'da (yerel saatinizle)
          next year           1 Ocak 2027 Cuma saat 09:00'a kadar (yerel saatinizle) | 1 Ocak 2027 Cuma saat 09:00'da (yerel saatinizle)
          today (no zone)     bugün saat 16:00'ya kadar (UTC) | bugün saat 16:00'da (UTC)
          tomorrow (no zone)  yarın saat 09:00'a kadar (UTC) | yarın saat 09:00'da (UTC)
          weekday (no zone)   pazartesi saat 13:30'a kadar (UTC) | pazartesi saat 13:30'da (UTC)
          date (no zone)      14 Aralık Pazartesi saat 09:00'a kadar (UTC) | 14 Aralık Pazartesi saat 09:00'da (UTC)
          next year (no zone) 1 Ocak 2027 Cuma saat 09:00'a kadar (UTC) | 1 Ocak 2027 Cuma saat 09:00'da (UTC)
        ar
          today               اليوم قبل الساعة 4:00 م (بتوقيتك) | اليوم في الساعة 4:00 م (بتوقيتك)
          tomorrow            غدًا قبل الساعة 9:00 ص (بتوقيتك) | غدًا في الساعة 9:00 ص (بتوقيتك)
          weekday             يوم الاثنين قبل الساعة 1:30 م (بتوقيتك) | يوم الاثنين في الساعة 1:30 م (بتوقيتك)
          date                يوم الاثنين 14 ديسمبر قبل الساعة 9:00 ص (بتوقيتك) | يوم الاثنين 14 ديسمبر في الساعة 9:00 ص (بتوقيتك)
          next year           يوم الجمعة 1 يناير 2027 قبل الساعة 9:00 ص (بتوقيتك) | يوم الجمعة 1 يناير 2027 في الساعة 9:00 ص (بتوقيتك)
          today (no zone)     اليوم قبل الساعة 4:00 م (UTC) | اليوم في الساعة 4:00 م (UTC)
          tomorrow (no zone)  غدًا قبل الساعة 9:00 ص (UTC) | غدًا في الساعة 9:00 ص (UTC)
          weekday (no zone)   يوم الاثنين قبل الساعة 1:30 م (UTC) | يوم الاثنين في الساعة 1:30 م (UTC)
          date (no zone)      يوم الاثنين 14 ديسمبر قبل الساعة 9:00 ص (UTC) | يوم الاثنين 14 ديسمبر في الساعة 9:00 ص (UTC)
          next year (no zone) يوم الجمعة 1 يناير 2027 قبل الساعة 9:00 ص (UTC) | يوم الجمعة 1 يناير 2027 في الساعة 9:00 ص (UTC)
        he
          today               היום עד השעה 16:00 (לפי השעון שלך) | היום בשעה 16:00 (לפי השעון שלך)
          tomorrow            מחר עד השעה 9:00 (לפי השעון שלך) | מחר בשעה 9:00 (לפי השעון שלך)
          weekday             ביום שני עד השעה 13:30 (לפי השעון שלך) | ביום שני בשעה 13:30 (לפי השעון שלך)
          date                ביום שני, 14 בדצמבר, עד השעה 9:00 (לפי השעון שלך) | ביום שני, 14 בדצמבר, בשעה 9:00 (לפי השעון שלך)
          next year           ביום שישי, 1 בינואר 2027, עד השעה 9:00 (לפי השעון שלך) | ביום שישי, 1 בינואר 2027, בשעה 9:00 (לפי השעון שלך)
          today (no zone)     היום עד השעה 16:00 (UTC) | היום בשעה 16:00 (UTC)
          tomorrow (no zone)  מחר עד השעה 9:00 (UTC) | מחר בשעה 9:00 (UTC)
          weekday (no zone)   ביום שני עד השעה 13:30 (UTC) | ביום שני בשעה 13:30 (UTC)
          date (no zone)      ביום שני, 14 בדצמבר, עד השעה 9:00 (UTC) | ביום שני, 14 בדצמבר, בשעה 9:00 (UTC)
          next year (no zone) ביום שישי, 1 בינואר 2027, עד השעה 9:00 (UTC) | ביום שישי, 1 בינואר 2027, בשעה 9:00 (UTC)
        zh
          today               今天 16:00(您当地时间)之前 | 今天 16:00(您当地时间)
          tomorrow            明天 09:00(您当地时间)之前 | 明天 09:00(您当地时间)
          weekday             星期一 13:30(您当地时间)之前 | 星期一 13:30(您当地时间)
          date                12月14日星期一 09:00(您当地时间)之前 | 12月14日星期一 09:00(您当地时间)
          next year           2027年1月1日星期五 09:00(您当地时间)之前 | 2027年1月1日星期五 09:00(您当地时间)
          today (no zone)     今天 16:00(UTC)之前 | 今天 16:00(UTC)
          tomorrow (no zone)  明天 09:00(UTC)之前 | 明天 09:00(UTC)
          weekday (no zone)   星期一 13:30(UTC)之前 | 星期一 13:30(UTC)
          date (no zone)      12月14日星期一 09:00(UTC)之前 | 12月14日星期一 09:00(UTC)
          next year (no zone) 2027年1月1日星期五 09:00(UTC)之前 | 2027年1月1日星期五 09:00(UTC)
        ja
          today               今日 16:00(現地時間)までに | 今日 16:00(現地時間)に
          tomorrow            明日 9:00(現地時間)までに | 明日 9:00(現地時間)に
          weekday             月曜日 13:30(現地時間)までに | 月曜日 13:30(現地時間)に
          date                12月14日月曜日 9:00(現地時間)までに | 12月14日月曜日 9:00(現地時間)に
          next year           2027年1月1日金曜日 9:00(現地時間)までに | 2027年1月1日金曜日 9:00(現地時間)に
          today (no zone)     今日 16:00(UTC)までに | 今日 16:00(UTC)に
          tomorrow (no zone)  明日 9:00(UTC)までに | 明日 9:00(UTC)に
          weekday (no zone)   月曜日 13:30(UTC)までに | 月曜日 13:30(UTC)に
          date (no zone)      12月14日月曜日 9:00(UTC)までに | 12月14日月曜日 9:00(UTC)に
          next year (no zone) 2027年1月1日金曜日 9:00(UTC)までに | 2027年1月1日金曜日 9:00(UTC)に
        ko
          today               오늘 오후 4:00(현지 시간)까지 | 오늘 오후 4:00(현지 시간)에
          tomorrow            내일 오전 9:00(현지 시간)까지 | 내일 오전 9:00(현지 시간)에
          weekday             월요일 오후 1:30(현지 시간)까지 | 월요일 오후 1:30(현지 시간)에
          date                12월 14일 월요일 오전 9:00(현지 시간)까지 | 12월 14일 월요일 오전 9:00(현지 시간)에
          next year           2027년 1월 1일 금요일 오전 9:00(현지 시간)까지 | 2027년 1월 1일 금요일 오전 9:00(현지 시간)에
          today (no zone)     오늘 오후 4:00(UTC)까지 | 오늘 오후 4:00(UTC)에
          tomorrow (no zone)  내일 오전 9:00(UTC)까지 | 내일 오전 9:00(UTC)에
          weekday (no zone)   월요일 오후 1:30(UTC)까지 | 월요일 오후 1:30(UTC)에
          date (no zone)      12월 14일 월요일 오전 9:00(UTC)까지 | 12월 14일 월요일 오전 9:00(UTC)에
          next year (no zone) 2027년 1월 1일 금요일 오전 9:00(UTC)까지 | 2027년 1월 1일 금요일 오전 9:00(UTC)에
        el
          today               σήμερα έως τις 4:00 μ.μ. (τοπική ώρα) | σήμερα στις 4:00 μ.μ. (τοπική ώρα)
          tomorrow            αύριο έως τις 9:00 π.μ. (τοπική ώρα) | αύριο στις 9:00 π.μ. (τοπική ώρα)
          weekday             τη Δευτέρα έως τη 1:30 μ.μ. (τοπική ώρα) | τη Δευτέρα στη 1:30 μ.μ. (τοπική ώρα)
          date                τη Δευτέρα 14 Δεκεμβρίου έως τις 9:00 π.μ. (τοπική ώρα) | τη Δευτέρα 14 Δεκεμβρίου στις 9:00 π.μ. (τοπική ώρα)
          next year           την Παρασκευή 1 Ιανουαρίου 2027 έως τις 9:00 π.μ. (τοπική ώρα) | την Παρασκευή 1 Ιανουαρίου 2027 στις 9:00 π.μ. (τοπική ώρα)
          today (no zone)     σήμερα έως τις 4:00 μ.μ. (UTC) | σήμερα στις 4:00 μ.μ. (UTC)
          tomorrow (no zone)  αύριο έως τις 9:00 π.μ. (UTC) | αύριο στις 9:00 π.μ. (UTC)
          weekday (no zone)   τη Δευτέρα έως τη 1:30 μ.μ. (UTC) | τη Δευτέρα στη 1:30 μ.μ. (UTC)
          date (no zone)      τη Δευτέρα 14 Δεκεμβρίου έως τις 9:00 π.μ. (UTC) | τη Δευτέρα 14 Δεκεμβρίου στις 9:00 π.μ. (UTC)
          next year (no zone) την Παρασκευή 1 Ιανουαρίου 2027 έως τις 9:00 π.μ. (UTC) | την Παρασκευή 1 Ιανουαρίου 2027 στις 9:00 π.μ. (UTC)
        uk
          today               сьогодні до 16:00 (за вашим часом) | сьогодні о 16:00 (за вашим часом)
          tomorrow            завтра до 09:00 (за вашим часом) | завтра о 09:00 (за вашим часом)
          weekday             у понеділок до 13:30 (за вашим часом) | у понеділок о 13:30 (за вашим часом)
          date                у понеділок, 14 грудня, до 09:00 (за вашим часом) | у понеділок, 14 грудня, о 09:00 (за вашим часом)
          next year           у пʼятницю, 1 січня 2027 р., до 09:00 (за вашим часом) | у пʼятницю, 1 січня 2027 р., о 09:00 (за вашим часом)
          today (no zone)     сьогодні до 16:00 (UTC) | сьогодні о 16:00 (UTC)
          tomorrow (no zone)  завтра до 09:00 (UTC) | завтра о 09:00 (UTC)
          weekday (no zone)   у понеділок до 13:30 (UTC) | у понеділок о 13:30 (UTC)
          date (no zone)      у понеділок, 14 грудня, до 09:00 (UTC) | у понеділок, 14 грудня, о 09:00 (UTC)
          next year (no zone) у пʼятницю, 1 січня 2027 р., до 09:00 (UTC) | у пʼятницю, 1 січня 2027 р., о 09:00 (UTC)
        vi
          today               trước 16:00 hôm nay (giờ địa phương) | lúc 16:00 hôm nay (giờ địa phương)
          tomorrow            trước 09:00 ngày mai (giờ địa phương) | lúc 09:00 ngày mai (giờ địa phương)
          weekday             trước 13:30 Thứ Hai (giờ địa phương) | lúc 13:30 Thứ Hai (giờ địa phương)
          date                trước 09:00 Thứ Hai, ngày 14 tháng 12 (giờ địa phương) | lúc 09:00 Thứ Hai, ngày 14 tháng 12 (giờ địa phương)
          next year           trước 09:00 Thứ Sáu, ngày 1 tháng 1 năm 2027 (giờ địa phương) | lúc 09:00 Thứ Sáu, ngày 1 tháng 1 năm 2027 (giờ địa phương)
          today (no zone)     trước 16:00 hôm nay (UTC) | lúc 16:00 hôm nay (UTC)
          tomorrow (no zone)  trước 09:00 ngày mai (UTC) | lúc 09:00 ngày mai (UTC)
          weekday (no zone)   trước 13:30 Thứ Hai (UTC) | lúc 13:30 Thứ Hai (UTC)
          date (no zone)      trước 09:00 Thứ Hai, ngày 14 tháng 12 (UTC) | lúc 09:00 Thứ Hai, ngày 14 tháng 12 (UTC)
          next year (no zone) trước 09:00 Thứ Sáu, ngày 1 tháng 1 năm 2027 (UTC) | lúc 09:00 Thứ Sáu, ngày 1 tháng 1 năm 2027 (UTC)
        th
          today               วันนี้ ก่อนเวลา 16:00 น. (เวลาท้องถิ่น) | วันนี้ เวลา 16:00 น. (เวลาท้องถิ่น)
          tomorrow            พรุ่งนี้ ก่อนเวลา 09:00 น. (เวลาท้องถิ่น) | พรุ่งนี้ เวลา 09:00 น. (เวลาท้องถิ่น)
          weekday             วันจันทร์ ก่อนเวลา 13:30 น. (เวลาท้องถิ่น) | วันจันทร์ เวลา 13:30 น. (เวลาท้องถิ่น)
          date                วันจันทร์ที่ 14 ธันวาคม ก่อนเวลา 09:00 น. (เวลาท้องถิ่น) | วันจันทร์ที่ 14 ธันวาคม เวลา 09:00 น. (เวลาท้องถิ่น)
          next year           วันศุกร์ที่ 1 มกราคม พ.ศ. 2570 ก่อนเวลา 09:00 น. (เวลาท้องถิ่น) | วันศุกร์ที่ 1 มกราคม พ.ศ. 2570 เวลา 09:00 น. (เวลาท้องถิ่น)
          today (no zone)     วันนี้ ก่อนเวลา 16:00 น. (UTC) | วันนี้ เวลา 16:00 น. (UTC)
          tomorrow (no zone)  พรุ่งนี้ ก่อนเวลา 09:00 น. (UTC) | พรุ่งนี้ เวลา 09:00 น. (UTC)
          weekday (no zone)   วันจันทร์ ก่อนเวลา 13:30 น. (UTC) | วันจันทร์ เวลา 13:30 น. (UTC)
          date (no zone)      วันจันทร์ที่ 14 ธันวาคม ก่อนเวลา 09:00 น. (UTC) | วันจันทร์ที่ 14 ธันวาคม เวลา 09:00 น. (UTC)
          next year (no zone) วันศุกร์ที่ 1 มกราคม พ.ศ. 2570 ก่อนเวลา 09:00 น. (UTC) | วันศุกร์ที่ 1 มกราคม พ.ศ. 2570 เวลา 09:00 น. (UTC)
        hi
          today               आज शाम 4:00 बजे तक (आपके समय के अनुसार) | आज शाम 4:00 बजे (आपके समय के अनुसार)
          tomorrow            कल सुबह 9:00 बजे तक (आपके समय के अनुसार) | कल सुबह 9:00 बजे (आपके समय के अनुसार)
          weekday             सोमवार को दोपहर 1:30 बजे तक (आपके समय के अनुसार) | सोमवार को दोपहर 1:30 बजे (आपके समय के अनुसार)
          date                सोमवार, 14 दिसंबर को सुबह 9:00 बजे तक (आपके समय के अनुसार) | सोमवार, 14 दिसंबर को सुबह 9:00 बजे (आपके समय के अनुसार)
          next year           शुक्रवार, 1 जनवरी 2027 को सुबह 9:00 बजे तक (आपके समय के अनुसार) | शुक्रवार, 1 जनवरी 2027 को सुबह 9:00 बजे (आपके समय के अनुसार)
          today (no zone)     आज शाम 4:00 बजे तक (UTC) | आज शाम 4:00 बजे (UTC)
          tomorrow (no zone)  कल सुबह 9:00 बजे तक (UTC) | कल सुबह 9:00 बजे (UTC)
          weekday (no zone)   सोमवार को दोपहर 1:30 बजे तक (UTC) | सोमवार को दोपहर 1:30 बजे (UTC)
          date (no zone)      सोमवार, 14 दिसंबर को सुबह 9:00 बजे तक (UTC) | सोमवार, 14 दिसंबर को सुबह 9:00 बजे (UTC)
          next year (no zone) शुक्रवार, 1 जनवरी 2027 को सुबह 9:00 बजे तक (UTC) | शुक्रवार, 1 जनवरी 2027 को सुबह 9:00 बजे (UTC)
    "#]].assert_eq(&out);
}

#[test]
fn articles_and_suffixes_agree_with_the_hour() {
    // Tomorrow at hours whose article, preposition, day period or suffix differs: es "la 1:00"
    // but "las 13:00", pt "à 00:30", el "στη 1:00 μ.μ.", uk "об 11:00", tr "13:00'e" /
    // "16:00'ya", hi "रात"/"सुबह"/"दोपहर"/"शाम", 12-hour noon and midnight.
    let now = at(SHOPPER, (2026, 11, 24), 10, 0);
    let hours = [
        (0, 30),
        (1, 0),
        (11, 0),
        (12, 0),
        (13, 0),
        (14, 40),
        (16, 0),
        (18, 30),
        (20, 0),
    ];
    let langs = [
        LangCode::En,
        LangCode::Es,
        LangCode::Pt,
        LangCode::It,
        LangCode::El,
        LangCode::Uk,
        LangCode::Tr,
        LangCode::Ar,
        LangCode::Ko,
        LangCode::Hi,
    ];
    let mut out = String::new();
    for lang in langs {
        out.push_str(&format!("{lang}\n"));
        for (h, mi) in hours {
            let ms = at(SHOPPER, (2026, 11, 25), h, mi);
            out.push_str(&format!(
                "  {h:02}:{mi:02}  {}\n",
                both(ms, now, Some(SHOPPER.name()), lang)
            ));
        }
    }
    expect![[r#"
        en
          00:30  by 12:30 AM tomorrow (your time) | at 12:30 AM tomorrow (your time)
          01:00  by 1:00 AM tomorrow (your time) | at 1:00 AM tomorrow (your time)
          11:00  by 11:00 AM tomorrow (your time) | at 11:00 AM tomorrow (your time)
          12:00  by 12:00 PM tomorrow (your time) | at 12:00 PM tomorrow (your time)
          13:00  by 1:00 PM tomorrow (your time) | at 1:00 PM tomorrow (your time)
          14:40  by 2:40 PM tomorrow (your time) | at 2:40 PM tomorrow (your time)
          16:00  by 4:00 PM tomorrow (your time) | at 4:00 PM tomorrow (your time)
          18:30  by 6:30 PM tomorrow (your time) | at 6:30 PM tomorrow (your time)
          20:00  by 8:00 PM tomorrow (your time) | at 8:00 PM tomorrow (your time)
        es
          00:30  mañana antes de las 0:30 (tu hora local) | mañana a las 0:30 (tu hora local)
          01:00  mañana antes de la 1:00 (tu hora local) | mañana a la 1:00 (tu hora local)
          11:00  mañana antes de las 11:00 (tu hora local) | mañana a las 11:00 (tu hora local)
          12:00  mañana antes de las 12:00 (tu hora local) | mañana a las 12:00 (tu hora local)
          13:00  mañana antes de las 13:00 (tu hora local) | mañana a las 13:00 (tu hora local)
          14:40  mañana antes de las 14:40 (tu hora local) | mañana a las 14:40 (tu hora local)
          16:00  mañana antes de las 16:00 (tu hora local) | mañana a las 16:00 (tu hora local)
          18:30  mañana antes de las 18:30 (tu hora local) | mañana a las 18:30 (tu hora local)
          20:00  mañana antes de las 20:00 (tu hora local) | mañana a las 20:00 (tu hora local)
        pt
          00:30  amanhã até a 00:30 (seu horário) | amanhã à 00:30 (seu horário)
          01:00  amanhã até a 01:00 (seu horário) | amanhã à 01:00 (seu horário)
          11:00  amanhã até as 11:00 (seu horário) | amanhã às 11:00 (seu horário)
          12:00  amanhã até as 12:00 (seu horário) | amanhã às 12:00 (seu horário)
          13:00  amanhã até as 13:00 (seu horário) | amanhã às 13:00 (seu horário)
          14:40  amanhã até as 14:40 (seu horário) | amanhã às 14:40 (seu horário)
          16:00  amanhã até as 16:00 (seu horário) | amanhã às 16:00 (seu horário)
          18:30  amanhã até as 18:30 (seu horário) | amanhã às 18:30 (seu horário)
          20:00  amanhã até as 20:00 (seu horário) | amanhã às 20:00 (seu horário)
        it
          00:30  domani entro le 00:30 (ora locale) | domani alle 00:30 (ora locale)
          01:00  domani entro l'01:00 (ora locale) | domani all'01:00 (ora locale)
          11:00  domani entro le 11:00 (ora locale) | domani alle 11:00 (ora locale)
          12:00  domani entro le 12:00 (ora locale) | domani alle 12:00 (ora locale)
          13:00  domani entro le 13:00 (ora locale) | domani alle 13:00 (ora locale)
          14:40  domani entro le 14:40 (ora locale) | domani alle 14:40 (ora locale)
          16:00  domani entro le 16:00 (ora locale) | domani alle 16:00 (ora locale)
          18:30  domani entro le 18:30 (ora locale) | domani alle 18:30 (ora locale)
          20:00  domani entro le 20:00 (ora locale) | domani alle 20:00 (ora locale)
        el
          00:30  αύριο έως τις 12:30 π.μ. (τοπική ώρα) | αύριο στις 12:30 π.μ. (τοπική ώρα)
          01:00  αύριο έως τη 1:00 π.μ. (τοπική ώρα) | αύριο στη 1:00 π.μ. (τοπική ώρα)
          11:00  αύριο έως τις 11:00 π.μ. (τοπική ώρα) | αύριο στις 11:00 π.μ. (τοπική ώρα)
          12:00  αύριο έως τις 12:00 μ.μ. (τοπική ώρα) | αύριο στις 12:00 μ.μ. (τοπική ώρα)
          13:00  αύριο έως τη 1:00 μ.μ. (τοπική ώρα) | αύριο στη 1:00 μ.μ. (τοπική ώρα)
          14:40  αύριο έως τις 2:40 μ.μ. (τοπική ώρα) | αύριο στις 2:40 μ.μ. (τοπική ώρα)
          16:00  αύριο έως τις 4:00 μ.μ. (τοπική ώρα) | αύριο στις 4:00 μ.μ. (τοπική ώρα)
          18:30  αύριο έως τις 6:30 μ.μ. (τοπική ώρα) | αύριο στις 6:30 μ.μ. (τοπική ώρα)
          20:00  αύριο έως τις 8:00 μ.μ. (τοπική ώρα) | αύριο στις 8:00 μ.μ. (τοπική ώρα)
        uk
          00:30  завтра до 00:30 (за вашим часом) | завтра о 00:30 (за вашим часом)
          01:00  завтра до 01:00 (за вашим часом) | завтра о 01:00 (за вашим часом)
          11:00  завтра до 11:00 (за вашим часом) | завтра об 11:00 (за вашим часом)
          12:00  завтра до 12:00 (за вашим часом) | завтра о 12:00 (за вашим часом)
          13:00  завтра до 13:00 (за вашим часом) | завтра о 13:00 (за вашим часом)
          14:40  завтра до 14:40 (за вашим часом) | завтра о 14:40 (за вашим часом)
          16:00  завтра до 16:00 (за вашим часом) | завтра о 16:00 (за вашим часом)
          18:30  завтра до 18:30 (за вашим часом) | завтра о 18:30 (за вашим часом)
          20:00  завтра до 20:00 (за вашим часом) | завтра о 20:00 (за вашим часом)
        tr
          00:30  yarın saat 00:30'a kadar (yerel saatinizle) | yarın saat 00:30'da (yerel saatinizle)
          01:00  yarın saat 01:00'e kadar (yerel saatinizle) | yarın saat 01:00'de (yerel saatinizle)
          11:00  yarın saat 11:00'e kadar (yerel saatinizle) | yarın saat 11:00'de (yerel saatinizle)
          12:00  yarın saat 12:00'ye kadar (yerel saatinizle) | yarın saat 12:00'de (yerel saatinizle)
          13:00  yarın saat 13:00'e kadar (yerel saatinizle) | yarın saat 13:00'te (yerel saatinizle)
          14:40  yarın saat 14:40'a kadar (yerel saatinizle) | yarın saat 14:40'ta (yerel saatinizle)
          16:00  yarın saat 16:00'ya kadar (yerel saatinizle) | yarın saat 16:00'da (yerel saatinizle)
          18:30  yarın saat 18:30'a kadar (yerel saatinizle) | yarın saat 18:30'da (yerel saatinizle)
          20:00  yarın saat 20:00'ye kadar (yerel saatinizle) | yarın saat 20:00'de (yerel saatinizle)
        ar
          00:30  غدًا قبل الساعة 12:30 ص (بتوقيتك) | غدًا في الساعة 12:30 ص (بتوقيتك)
          01:00  غدًا قبل الساعة 1:00 ص (بتوقيتك) | غدًا في الساعة 1:00 ص (بتوقيتك)
          11:00  غدًا قبل الساعة 11:00 ص (بتوقيتك) | غدًا في الساعة 11:00 ص (بتوقيتك)
          12:00  غدًا قبل الساعة 12:00 م (بتوقيتك) | غدًا في الساعة 12:00 م (بتوقيتك)
          13:00  غدًا قبل الساعة 1:00 م (بتوقيتك) | غدًا في الساعة 1:00 م (بتوقيتك)
          14:40  غدًا قبل الساعة 2:40 م (بتوقيتك) | غدًا في الساعة 2:40 م (بتوقيتك)
          16:00  غدًا قبل الساعة 4:00 م (بتوقيتك) | غدًا في الساعة 4:00 م (بتوقيتك)
          18:30  غدًا قبل الساعة 6:30 م (بتوقيتك) | غدًا في الساعة 6:30 م (بتوقيتك)
          20:00  غدًا قبل الساعة 8:00 م (بتوقيتك) | غدًا في الساعة 8:00 م (بتوقيتك)
        ko
          00:30  내일 오전 12:30(현지 시간)까지 | 내일 오전 12:30(현지 시간)에
          01:00  내일 오전 1:00(현지 시간)까지 | 내일 오전 1:00(현지 시간)에
          11:00  내일 오전 11:00(현지 시간)까지 | 내일 오전 11:00(현지 시간)에
          12:00  내일 오후 12:00(현지 시간)까지 | 내일 오후 12:00(현지 시간)에
          13:00  내일 오후 1:00(현지 시간)까지 | 내일 오후 1:00(현지 시간)에
          14:40  내일 오후 2:40(현지 시간)까지 | 내일 오후 2:40(현지 시간)에
          16:00  내일 오후 4:00(현지 시간)까지 | 내일 오후 4:00(현지 시간)에
          18:30  내일 오후 6:30(현지 시간)까지 | 내일 오후 6:30(현지 시간)에
          20:00  내일 오후 8:00(현지 시간)까지 | 내일 오후 8:00(현지 시간)에
        hi
          00:30  कल रात 12:30 बजे तक (आपके समय के अनुसार) | कल रात 12:30 बजे (आपके समय के अनुसार)
          01:00  कल रात 1:00 बजे तक (आपके समय के अनुसार) | कल रात 1:00 बजे (आपके समय के अनुसार)
          11:00  कल सुबह 11:00 बजे तक (आपके समय के अनुसार) | कल सुबह 11:00 बजे (आपके समय के अनुसार)
          12:00  कल दोपहर 12:00 बजे तक (आपके समय के अनुसार) | कल दोपहर 12:00 बजे (आपके समय के अनुसार)
          13:00  कल दोपहर 1:00 बजे तक (आपके समय के अनुसार) | कल दोपहर 1:00 बजे (आपके समय के अनुसार)
          14:40  कल दोपहर 2:40 बजे तक (आपके समय के अनुसार) | कल दोपहर 2:40 बजे (आपके समय के अनुसार)
          16:00  कल शाम 4:00 बजे तक (आपके समय के अनुसार) | कल शाम 4:00 बजे (आपके समय के अनुसार)
          18:30  कल शाम 6:30 बजे तक (आपके समय के अनुसार) | कल शाम 6:30 बजे (आपके समय के अनुसार)
          20:00  कल रात 8:00 बजे तक (आपके समय के अनुसार) | कल रात 8:00 बजे (आपके समय के अनुसार)
    "#]].assert_eq(&out);
}

#[test]
fn the_day_is_the_shoppers_day() {
    // Seen at Tuesday 14:00 in Amsterdam (22:00 in Tokyo), Tuesday 17:30 in Amsterdam is
    // "today" there and Wednesday 01:30, "tomorrow", in Tokyo.
    let ams = chrono_tz::Europe::Amsterdam;
    let now = at(ams, (2026, 11, 24), 14, 0);
    let ms = at(ams, (2026, 11, 24), 17, 30);
    assert_eq!(
        for_shopper(TimePhrase::By, ms, now, Some("Asia/Tokyo"), LangCode::En),
        "by 1:30 AM tomorrow (your time)"
    );
    assert_eq!(
        for_shopper(
            TimePhrase::By,
            ms,
            now,
            Some("Europe/Amsterdam"),
            LangCode::En
        ),
        "by 5:30 PM today (your time)"
    );
    // An unknown zone is no zone: UTC, and the phrase says so.
    assert_eq!(
        for_shopper(TimePhrase::At, ms, now, Some("Mars/Olympus"), LangCode::En),
        "at 4:30 PM today (UTC)"
    );
    // Out of chrono's range: nothing rather than a wrong time.
    assert_eq!(
        for_shopper(TimePhrase::At, i64::MAX, now, None, LangCode::En),
        ""
    );
}

#[test]
fn every_phrase_is_filled() {
    // No slot is left unreplaced and the zone note is there, whatever the language, case or
    // hour.
    let now = at(Tz::UTC, (2026, 11, 24), 10, 0);
    for lang in LangCode::ALL {
        for day in 0..40 {
            for hour in 0..24 {
                let ms = now + day * 86_400_000 + (hour - 10) * 3_600_000 + 15 * 60_000;
                for phrase in [TimePhrase::By, TimePhrase::At] {
                    for tz in [None, Some("America/Sao_Paulo")] {
                        let text = for_shopper(phrase, ms, now, tz, lang);
                        assert!(
                            !text.contains(['{', '}']) && !text.contains("  ") && !text.is_empty(),
                            "{lang} {phrase:?} {tz:?}: {text:?}"
                        );
                        assert_eq!(text.trim(), text, "{lang}: {text:?}");
                        // The note, once: "(UTC)" without a zone, "(your time)" with one.
                        let notes = text.matches(['(', '(']).count();
                        assert_eq!(notes, 1, "{lang}: {text:?}");
                        assert_eq!(text.contains("UTC"), tz.is_none(), "{lang}: {text:?}");
                    }
                }
            }
        }
    }
}
