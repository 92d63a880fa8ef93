"""The shop's products for the corpus, their units, and how vendors print their names.

The first 28 are tests/bill_images.CATALOGUE (packed goods, sold by the piece or pack); the rest
are loose goods sold by weight, volume, dozen or length. `spellings` are the vendor's ways of
printing a name: abbreviations, missing spaces, upper case, cut words - each still a name a
person matches to one product without doubt (pack sizes are always kept).
"""

from dataclasses import dataclass
from decimal import Decimal

from tests.bill_images import CATALOGUE as PRINTED_CATALOGUE

UNITS = ("pcs", "kg", "g", "l", "ml", "pack", "box", "dozen", "m", "bottle", "bag")


@dataclass(frozen=True)
class CatalogueProduct:
    name: str
    unit: str
    rate: Decimal  # a typical purchase rate per `unit`, to draw rates near
    spellings: tuple[str, ...]

    @property
    def loose(self) -> bool:
        """Sold by weight or volume: quantities like 2.5 and printed units like `500 g`."""
        return self.unit in ("kg", "g", "l", "ml")


def _p(name: str, unit: str, rate: str, *spellings: str) -> CatalogueProduct:
    return CatalogueProduct(name, unit, Decimal(rate), (name, *spellings))


CATALOGUE: tuple[CatalogueProduct, ...] = (
    _p("Tata Salt 1kg", "pcs", "22", "TATA SALT 1KG", "Tata Salt 1 Kg", "TataSalt 1kg"),
    _p("Tata Salt 500g", "pcs", "12", "TATA SALT 500G", "Tata Salt 500 gm", "TataSalt 500g"),
    _p("Fortune Sunflower Oil 1l", "pcs", "140", "Fortune Oil 1Ltr", "FORTUNE SUNFLOWER 1L"),
    _p("Parle-G Biscuit", "pack", "5", "Parle G Bisc", "PARLE-G BISCUIT", "ParleG Biscuit"),
    _p("Surf Excel 500g", "pcs", "62", "Surf Excel 500gm", "SURF EXCEL 500G"),
    _p("Surf Excel 1kg", "pcs", "118", "Surf Excel 1 Kg", "SURF EXCEL 1KG"),
    _p("Maggi Noodles 70g", "pack", "14", "Maggi 70g", "MAGGI NOODLES 70G", "Maggi Noodle 70g"),
    _p("Amul Butter 100g", "pcs", "56", "Amul Butter 100gm", "AMUL BUTTER 100G"),
    _p("Aashirvaad Atta 5kg", "bag", "245", "Aashirvaad Atta 5 Kg", "AASHIRVAAD ATTA 5KG"),
    _p("Red Label Tea 250g", "pcs", "115", "Red Label 250g", "RED LABEL TEA 250G"),
    _p("Colgate Toothpaste 100g", "pcs", "52", "Colgate Paste 100g", "COLGATE TOOTHPASTE 100G"),
    _p("Lux Soap 100g", "pcs", "31", "Lux Soap 100 gm", "LUX SOAP 100G"),
    _p("Dettol Soap 75g", "pcs", "38", "Dettol Soap 75gm", "DETTOL SOAP 75G"),
    _p("Good Day Biscuit", "pack", "10", "Good Day Bisc", "GOOD DAY BISCUIT", "GoodDay Bisc"),
    _p("Britannia Bread", "pcs", "40", "Britannia Bread 400g", "BRITANNIA BREAD"),
    _p("Haldiram Bhujia 200g", "pack", "48", "Haldiram Bhujia 200gm", "HALDIRAM BHUJIA 200G"),
    _p("Saffola Gold Oil 1l", "bottle", "189", "Saffola Gold 1L", "SAFFOLA GOLD OIL 1 LTR"),
    _p("Kissan Jam 500g", "bottle", "145", "Kissan Jam 500gm", "KISSAN JAM 500G"),
    _p("Nescafe Classic 50g", "pcs", "165", "Nescafe Classic 50gm", "NESCAFE CLASSIC 50G"),
    _p("Vim Bar 200g", "pcs", "20", "Vim Bar 200gm", "VIM BAR 200G"),
    _p("Harpic 500ml", "bottle", "89", "Harpic 500 ml", "HARPIC 500ML"),
    _p("Clinic Plus Shampoo 175ml", "bottle", "110", "Clinic Plus 175ml", "CLINIC PLUS SHAMPOO"),
    _p("Dabur Honey 250g", "bottle", "118", "Dabur Honey 250gm", "DABUR HONEY 250G"),
    _p("MDH Garam Masala 100g", "box", "84", "MDH Garam Masala 100gm", "MDH GARAM MASALA"),
    _p("Toor Dal 1kg", "pcs", "140", "Toor Dal 1 Kg", "TOOR DAL 1KG", "ToorDal 1kg"),
    _p("Basmati Rice 5kg", "bag", "520", "Basmati Rice 5 Kg", "BASMATI RICE 5KG"),
    _p("Moong Dal 500g", "pcs", "68", "Moong Dal 500 g", "MOONG DAL 500G"),
    _p("Rin Detergent 1kg", "pcs", "92", "Rin Det 1kg", "RIN DETERGENT 1KG"),
    # loose goods and other units
    _p("Sugar", "kg", "44", "SUGAR", "Cheeni Sugar"),
    _p("Chakki Atta", "kg", "38", "CHAKKI ATTA", "Chakki Aata"),
    _p("Sona Masoori Rice", "kg", "56", "Sona Masuri Rice", "SONA MASOORI RICE"),
    _p("Chana Dal", "kg", "92", "CHANA DAL", "Chana Daal"),
    _p("Urad Dal", "kg", "118", "URAD DAL", "Urad Daal"),
    _p("Masoor Dal", "kg", "96", "MASOOR DAL", "Masoor Daal"),
    _p("Besan", "kg", "84", "BESAN", "Besan Loose"),
    _p("Poha", "kg", "52", "POHA", "Poha Thick"),
    _p("Sooji Rava", "kg", "46", "SOOJI RAVA", "Suji Rava"),
    _p("Jaggery", "kg", "64", "JAGGERY", "Jaggery Gud"),
    _p("Groundnut Oil", "l", "185", "GROUNDNUT OIL", "G.Nut Oil", "Groundnut Oil Loose"),
    _p("Mustard Oil", "l", "160", "MUSTARD OIL", "Mustard Oil Kachi Ghani"),
    _p("Milk", "l", "56", "MILK", "Milk Toned"),
    _p("Eggs", "pcs", "7", "EGGS", "Eggs Tray", "Anda Eggs"),
    _p("Banana", "dozen", "60", "BANANA", "Banana Robusta"),
    _p("Jeera", "g", "0.40", "JEERA", "Jeera Cumin"),
    _p("Haldi Powder", "g", "0.30", "HALDI POWDER", "Haldi Pwdr"),
    _p("Red Chilli Powder", "g", "0.36", "RED CHILLI POWDER", "Red Chilli Pwdr"),
    _p("Bisleri Water 1l", "bottle", "20", "BISLERI 1L", "Bisleri Water 1 Ltr"),
    _p("Agarbatti", "box", "30", "AGARBATTI", "Agarbathi"),
    _p("Nylon Rope", "m", "12", "NYLON ROPE", "Nylon Rassi Rope"),
    _p("Coconut", "pcs", "35", "COCONUT", "Coconut Fresh"),
)

assert tuple(product.name for product in CATALOGUE[:28]) == tuple(PRINTED_CATALOGUE)
assert all(product.unit in UNITS for product in CATALOGUE)

BY_NAME = {product.name: product for product in CATALOGUE}
