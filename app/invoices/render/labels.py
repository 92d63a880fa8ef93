"""Every word printed on a document, in English and Hindi.

A tax invoice, bill of supply and credit note keep their English title beside the Hindi one:
the title is what rule 46 / 49 / 53 require a document to say, and an inspector or a
registered buyer's accountant must recognise it.
"""

from typing import Final

from app.core.message_templates import Language
from app.invoices.model import DocumentKind

TITLES: Final[dict[DocumentKind, dict[Language, str]]] = {
    "tax_invoice": {"en": "Tax Invoice", "hi": "कर बीजक (Tax Invoice)"},
    "bill_of_supply": {"en": "Bill of Supply", "hi": "आपूर्ति का बिल (Bill of Supply)"},
    "bill": {"en": "Bill", "hi": "बिल"},
    "credit_note": {"en": "Credit Note", "hi": "क्रेडिट नोट (Credit Note)"},
    "purchase_bill": {"en": "Purchase Bill", "hi": "खरीद बिल"},
    "statement": {"en": "Statement of Account", "hi": "खाता विवरण"},
}

_LABELS: Final[dict[str, dict[Language, str]]] = {
    "bill_no": {"en": "Bill No.", "hi": "बिल नं."},
    "note_no": {"en": "Note No.", "hi": "नोट नं."},
    "date": {"en": "Date", "hi": "दिनांक"},
    "gstin": {"en": "GSTIN", "hi": "GSTIN"},
    "phone": {"en": "Phone", "hi": "फ़ोन"},
    "state": {"en": "State", "hi": "राज्य"},
    "bill_to": {"en": "Bill to", "hi": "ग्राहक"},
    "vendor": {"en": "Vendor", "hi": "विक्रेता"},
    "customer": {"en": "Customer", "hi": "ग्राहक"},
    "walk_in": {"en": "Walk-in customer", "hi": "नकद ग्राहक"},
    "place_of_supply": {"en": "Place of supply", "hi": "आपूर्ति का स्थान"},
    "original_invoice": {"en": "Against invoice", "hi": "मूल बीजक"},
    "sr": {"en": "#", "hi": "क्र."},
    "item": {"en": "Item", "hi": "सामान"},
    "hsn": {"en": "HSN", "hi": "HSN"},
    "qty": {"en": "Qty", "hi": "मात्रा"},
    "rate": {"en": "Rate", "hi": "दर"},
    "discount": {"en": "Discount", "hi": "छूट"},
    "taxable_value": {"en": "Taxable value", "hi": "कर योग्य मूल्य"},
    "gst_rate": {"en": "GST %", "hi": "GST %"},
    "tax": {"en": "Tax", "hi": "कर"},
    "amount": {"en": "Amount", "hi": "राशि"},
    "subtotal": {"en": "Subtotal", "hi": "उप-योग"},
    "cgst": {"en": "CGST", "hi": "CGST"},
    "sgst": {"en": "SGST", "hi": "SGST"},
    "igst": {"en": "IGST", "hi": "IGST"},
    "cess": {"en": "Cess", "hi": "सेस"},
    "round_off": {"en": "Round off", "hi": "राउंड ऑफ़"},
    "total": {"en": "Total", "hi": "कुल"},
    "in_words": {"en": "Amount in words", "hi": "राशि शब्दों में"},
    "paid": {"en": "Paid", "hi": "भुगतान"},
    "previous_balance": {"en": "Previous balance", "hi": "पिछला बकाया"},
    "balance_due": {"en": "Balance due", "hi": "कुल बकाया"},
    "void": {"en": "VOID", "hi": "रद्द (VOID)"},
    "scan_to_pay": {
        "en": "Scan to pay with any UPI app",
        "hi": "किसी भी UPI ऐप से स्कैन करके भुगतान करें",
    },
    "pay_to": {"en": "Pay to", "hi": "भुगतान करें"},
    "period": {"en": "Period", "hi": "अवधि"},
    "from_start": {"en": "from the first entry", "hi": "शुरुआत से"},
    "to_today": {"en": "till today", "hi": "आज तक"},
    "opening_balance": {"en": "Opening balance", "hi": "प्रारंभिक बकाया"},
    "closing_balance": {"en": "Closing balance", "hi": "अंतिम बकाया"},
    "debit": {"en": "Debit", "hi": "नामे"},
    "credit": {"en": "Credit", "hi": "जमा"},
    "balance": {"en": "Balance", "hi": "बकाया"},
    "reference": {"en": "Reference", "hi": "संदर्भ"},
    "you_owe": {"en": "You owe", "hi": "आपका बकाया"},
    "we_owe": {"en": "We owe you", "hi": "हमें देना है"},
    "generated_on": {"en": "Generated on", "hi": "बनाया गया"},
    "thank_you": {"en": "Thank you! Visit again.", "hi": "धन्यवाद! फिर पधारें।"},
    "computer_generated": {
        "en": "This is a computer-generated document; no signature is required.",
        "hi": "यह कंप्यूटर से बना दस्तावेज़ है; हस्ताक्षर आवश्यक नहीं।",
    },
    "kind_bill": {"en": "Bill", "hi": "बिल"},
    "kind_payment": {"en": "Payment", "hi": "भुगतान"},
    "kind_void": {"en": "Bill voided", "hi": "बिल रद्द"},
    "kind_return": {"en": "Goods returned", "hi": "माल वापसी"},
    "kind_opening": {"en": "Opening balance", "hi": "पुराना बकाया"},
    "gst": {"en": "GST", "hi": "GST"},
    "pay_with_upi": {"en": "Pay {amount} with UPI", "hi": "UPI से {amount} का भुगतान करें"},
    "download_pdf": {"en": "Download PDF", "hi": "PDF डाउनलोड करें"},
}


def label(key: str, language: Language) -> str:
    """The word for `key` in `language` (a KeyError for an unknown key: a bug, not input)."""
    return _LABELS[key][language]


def title(kind: DocumentKind, language: Language) -> str:
    return TITLES[kind][language]


def statement_kind(kind: str, language: Language) -> str:
    """A statement line's kind (`bill`, `payment`, ...) in words; unknown kinds as they are."""
    words = _LABELS.get(f"kind_{kind}")
    return words[language] if words else kind
