//! The workbook's locale: how text in cells is read as a number, as Excel
//! reads it in the locale it runs in. `1 234,5` is a number in a Russian
//! workbook and text in an English one; `1,234.5` the other way round.

use crate::engine::coerce::NumberLocale;

/// The locales the editor offers: (tag, what it reads).
pub const CHOICES: [(&str, &str); 4] = [
    ("", "English: 1,234.5"),
    ("ru-RU", "Russian: 1 234,5"),
    ("de-DE", "German: 1.234,5"),
    ("fr-FR", "French: 1 234,5"),
];

/// Languages whose decimal separator is a comma.
const DECIMAL_COMMA: [&str; 33] = [
    "be", "bg", "ca", "cs", "da", "de", "el", "es", "et", "eu", "fi", "fr", "gl", "hr", "hu", "id",
    "is", "it", "kk", "lt", "lv", "nb", "nl", "nn", "no", "pl", "pt", "ro", "ru", "sk", "sl", "sr",
    "uk",
];

/// Languages whose decimal separator is a point.
const DECIMAL_POINT: [&str; 12] = [
    "en", "ja", "zh", "ko", "he", "th", "hi", "ms", "fil", "ga", "cy", "sw",
];

/// How a workbook in locale `tag` (`ru-RU`, `de`, `en-US`; empty for
/// English) reads text as numbers; an error names a tag it does not know.
pub fn number_locale(tag: &str) -> Result<NumberLocale, String> {
    let language = tag
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if language.is_empty() || DECIMAL_POINT.contains(&language.as_str()) {
        Ok(NumberLocale::DecimalPoint)
    } else if DECIMAL_COMMA.contains(&language.as_str()) {
        Ok(NumberLocale::DecimalComma)
    } else {
        Err(format!(
            "unknown locale `{}` (e.g. en-US, ru-RU, de-DE, fr-FR)",
            tag.trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_map_to_their_decimal_separator() {
        assert_eq!(number_locale(""), Ok(NumberLocale::DecimalPoint));
        assert_eq!(number_locale("en-GB"), Ok(NumberLocale::DecimalPoint));
        assert_eq!(number_locale("ru-RU"), Ok(NumberLocale::DecimalComma));
        assert_eq!(number_locale("de"), Ok(NumberLocale::DecimalComma));
        assert_eq!(number_locale("pt_BR"), Ok(NumberLocale::DecimalComma));
        assert!(
            number_locale("xx-YY")
                .unwrap_err()
                .contains("unknown locale `xx-YY`")
        );
        for (tag, _) in CHOICES {
            assert!(number_locale(tag).is_ok(), "{tag}");
        }
    }
}
