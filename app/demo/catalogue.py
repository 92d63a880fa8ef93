"""The demo shop's world as data: a kirana catalogue, its regulars and its suppliers.

Plain values only (no I/O); `app.demo.shop` turns them into products, customers and vendors
through the services. Prices are MRPs of late 2026 in rupees; GST rates and HSN codes are
those in force after 22 September 2025 (`app/bills/data/gst_rates.toml`), so every rate
is a slab on every bill date of the demo's three months.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Aisle:
    """A group of products that one vendor supplies, sold and stocked alike."""

    vendor: int
    """Index into `VENDORS`."""
    margin: Decimal
    """Cost as a share of the selling price (a kirana's margin on this kind of goods)."""
    reorder: Decimal
    """Reorder level in the product's unit."""
    popularity: int
    """Relative chance that a bill line picks a product of this aisle."""


AISLES: dict[str, Aisle] = {
    "staples": Aisle(0, Decimal("0.90"), Decimal(10), 9),
    "oil": Aisle(1, Decimal("0.92"), Decimal(6), 5),
    "dairy": Aisle(2, Decimal("0.90"), Decimal(8), 8),
    "snacks": Aisle(3, Decimal("0.82"), Decimal(12), 7),
    "personal": Aisle(4, Decimal("0.80"), Decimal(5), 3),
    "household": Aisle(5, Decimal("0.80"), Decimal(5), 3),
    "drinks": Aisle(6, Decimal("0.84"), Decimal(12), 5),
    "spices": Aisle(7, Decimal("0.78"), Decimal(5), 4),
}


@dataclass(frozen=True, slots=True)
class Item:
    name: str
    unit: str
    price: Decimal
    hsn: str
    gst: Decimal
    aisle: str

    @property
    def loose(self) -> bool:
        """Sold by weight or volume (half a kilo), not by the piece."""
        return self.unit in ("kg", "l")


# name | unit | MRP | HSN | GST % | aisle
_ROWS = """
Tata Salt 1kg|pcs|28|2501|0|staples
Tata Salt Lite 1kg|pcs|48|2501|0|staples
Aashirvaad Atta 5kg|pcs|285|1101|5|staples
Aashirvaad Atta 10kg|pcs|545|1101|5|staples
Pillsbury Chakki Atta 5kg|pcs|265|1101|5|staples
Fortune Chakki Atta 5kg|pcs|255|1101|5|staples
India Gate Basmati Rice 1kg|pcs|165|1006|5|staples
Daawat Rozana Basmati 5kg|pcs|499|1006|5|staples
Sona Masoori Rice 5kg|pcs|375|1006|5|staples
Kolam Rice (loose)|kg|58|1006|0|staples
Chawal Parmal (loose)|kg|42|1006|0|staples
Toor Dal 1kg|pcs|165|0713|5|staples
Tata Sampann Toor Dal 1kg|pcs|189|0713|5|staples
Moong Dal 1kg|pcs|135|0713|5|staples
Masoor Dal 1kg|pcs|110|0713|5|staples
Chana Dal 1kg|pcs|98|0713|5|staples
Urad Dal 1kg|pcs|145|0713|5|staples
Rajma Chitra 1kg|pcs|160|0713|5|staples
Kabuli Chana 1kg|pcs|150|0713|5|staples
Kala Chana 1kg|pcs|95|0713|5|staples
Moong Sabut 500g|pcs|72|0713|5|staples
Sugar (loose)|kg|46|1701|5|staples
Madhur Sugar 1kg|pcs|58|1701|5|staples
Gud Jaggery 1kg|pcs|70|1701|5|staples
Besan 500g|pcs|55|1106|5|staples
Rajdhani Besan 1kg|pcs|115|1106|5|staples
Maida 1kg|pcs|48|1101|5|staples
Sooji Rava 500g|pcs|32|1103|5|staples
Poha Thick 500g|pcs|38|1904|5|staples
Sabudana 500g|pcs|60|1903|5|staples
Dalia 500g|pcs|35|1103|5|staples
Aashirvaad Multigrain Atta 5kg|pcs|345|1101|5|staples
Fortune Sunlite Sunflower Oil 1l|pcs|165|1512|5|oil
Fortune Soya Health Oil 1l|pcs|145|1507|5|oil
Fortune Kachi Ghani Mustard Oil 1l|pcs|175|1514|5|oil
Dhara Mustard Oil 1l|pcs|170|1514|5|oil
Saffola Gold Oil 1l|pcs|199|1512|5|oil
Saffola Gold Oil 5l|pcs|949|1512|5|oil
Gemini Sunflower Oil 1l|pcs|155|1512|5|oil
Dalda Vanaspati 1kg|pcs|150|1516|5|oil
Patanjali Mustard Oil 1l|pcs|168|1514|5|oil
Fortune Rice Bran Oil 1l|pcs|160|1515|5|oil
Amul Ghee 1l|pcs|650|0405|5|oil
Amul Ghee 500ml|pcs|330|0405|5|oil
Patanjali Cow Ghee 500ml|pcs|345|0405|5|oil
Gowardhan Ghee 1l|pcs|640|0405|5|oil
Parachute Coconut Oil 250ml|pcs|120|1513|5|oil
Idhayam Gingelly Oil 500ml|pcs|230|1515|5|oil
Amul Butter 100g|pcs|62|0405|5|dairy
Amul Butter 500g|pcs|295|0405|5|dairy
Amul Taaza Milk 1l|pcs|74|0401|0|dairy
Amul Gold Milk 500ml|pcs|35|0401|0|dairy
Mother Dairy Toned Milk 500ml|pcs|29|0401|0|dairy
Amul Masti Dahi 400g|pcs|35|0403|0|dairy
Mother Dairy Dahi 1kg|pcs|80|0403|0|dairy
Amul Fresh Paneer 200g|pcs|95|0406|0|dairy
Amul Cheese Slices 200g|pcs|145|0406|5|dairy
Amul Processed Cheese 400g|pcs|275|0406|5|dairy
Britannia Cheese Cubes 200g|pcs|130|0406|5|dairy
Amul Fresh Cream 250ml|pcs|72|0401|5|dairy
Nestle Milkmaid 400g|pcs|150|0402|5|dairy
Amul Kool Kesar 180ml|pcs|30|0402|5|dairy
Amul Lassi 200ml|pcs|25|0403|5|dairy
Eggs Tray of 30|pcs|210|0407|0|dairy
Eggs 6 pcs|pcs|45|0407|0|dairy
Britannia Brown Bread 400g|pcs|55|1905|0|dairy
Harvest Gold White Bread 400g|pcs|45|1905|0|dairy
Modern Pav 6 pcs|pcs|30|1905|0|dairy
Parle-G 250g|pcs|25|1905|5|snacks
Parle-G 800g|pcs|80|1905|5|snacks
Britannia Good Day Cashew 200g|pcs|40|1905|5|snacks
Britannia Marie Gold 250g|pcs|38|1905|5|snacks
Britannia Bourbon 150g|pcs|35|1905|5|snacks
Sunfeast Dark Fantasy 75g|pcs|40|1905|5|snacks
Parle Monaco 200g|pcs|35|1905|5|snacks
Parle Hide & Seek 120g|pcs|35|1905|5|snacks
Britannia NutriChoice Digestive 250g|pcs|60|1905|5|snacks
Oreo Original 120g|pcs|35|1905|5|snacks
Britannia Rusk 300g|pcs|55|1905|5|snacks
Parle Krackjack 200g|pcs|30|1905|5|snacks
Haldiram's Aloo Bhujia 200g|pcs|60|2106|5|snacks
Haldiram's Moong Dal 200g|pcs|60|2106|5|snacks
Haldiram's Navrattan 350g|pcs|110|2106|5|snacks
Bikaji Bhujia 400g|pcs|105|2106|5|snacks
Lay's Magic Masala 50g|pcs|20|2005|5|snacks
Lay's Classic Salted 50g|pcs|20|2005|5|snacks
Kurkure Masala Munch 90g|pcs|20|1904|5|snacks
Bingo Mad Angles 66g|pcs|20|1904|5|snacks
Uncle Chipps 55g|pcs|20|2005|5|snacks
Maggi 2-Minute Noodles 70g|pcs|15|1902|5|snacks
Maggi Noodles 4 Pack 280g|pcs|60|1902|5|snacks
Yippee Noodles 4 Pack|pcs|58|1902|5|snacks
Top Ramen Curry 4 Pack|pcs|55|1902|5|snacks
Ching's Schezwan Noodles 240g|pcs|55|1902|5|snacks
Sunfeast Pasta Masala 70g|pcs|25|1902|5|snacks
Kellogg's Corn Flakes 475g|pcs|199|1904|5|snacks
Quaker Oats 1kg|pcs|199|1104|5|snacks
Saffola Masala Oats 40g|pcs|15|1104|5|snacks
Cadbury Dairy Milk 50g|pcs|50|1806|5|snacks
Cadbury Dairy Milk Silk 60g|pcs|90|1806|5|snacks
Cadbury 5 Star 40g|pcs|20|1806|5|snacks
KitKat 4 Finger 37g|pcs|30|1806|5|snacks
Munch 23g|pcs|10|1806|5|snacks
Cadbury Gems 17g|pcs|10|1806|5|snacks
Pulse Candy Pack 100 pcs|pcs|100|1704|5|snacks
Eclairs Pack 100 pcs|pcs|100|1704|5|snacks
Kissan Mixed Fruit Jam 500g|pcs|175|2007|5|snacks
Kissan Tomato Ketchup 950g|pcs|150|2103|5|snacks
Maggi Hot & Sweet Sauce 500g|pcs|135|2103|5|snacks
Dabur Honey 500g|pcs|225|0409|5|snacks
Peanut Butter 340g|pcs|199|2008|5|snacks
Colgate Strong Teeth 200g|pcs|120|3306|5|personal
Colgate MaxFresh 150g|pcs|110|3306|5|personal
Pepsodent Germicheck 150g|pcs|95|3306|5|personal
Dabur Red Paste 200g|pcs|125|3306|5|personal
Close Up Red Hot 150g|pcs|105|3306|5|personal
Colgate Toothbrush Zig Zag|pcs|40|9603|5|personal
Lifebuoy Total Soap 4x100g|pcs|160|3401|5|personal
Lux Soft Touch Soap 3x100g|pcs|135|3401|5|personal
Dettol Original Soap 4x75g|pcs|190|3401|5|personal
Santoor Sandal Soap 4x100g|pcs|165|3401|5|personal
Cinthol Lime Soap 3x100g|pcs|150|3401|5|personal
Medimix Ayurvedic Soap 125g|pcs|50|3401|5|personal
Clinic Plus Shampoo 175ml|pcs|125|3305|5|personal
Head & Shoulders Shampoo 180ml|pcs|210|3305|5|personal
Sunsilk Black Shine 180ml|pcs|160|3305|5|personal
Clinic Plus Sachet Strip 16|pcs|16|3305|5|personal
Parachute Coconut Oil 500ml|pcs|220|3305|5|personal
Dabur Amla Hair Oil 275ml|pcs|165|3305|5|personal
Bajaj Almond Drops 200ml|pcs|185|3305|5|personal
Navratna Cool Oil 200ml|pcs|135|3305|5|personal
Nivea Soft Cream 100ml|pcs|199|3304|18|personal
Vaseline Body Lotion 200ml|pcs|225|3304|18|personal
Ponds White Beauty Talc 100g|pcs|110|3304|18|personal
Gillette Guard Razor|pcs|35|8212|18|personal
Whisper Choice Pads 6|pcs|40|9619|0|personal
Stayfree Secure XL 7|pcs|45|9619|0|personal
Pampers Pants Medium 20|pcs|399|9619|5|personal
Dettol Antiseptic Liquid 250ml|pcs|170|3808|18|personal
Savlon Hand Wash 200ml|pcs|99|3401|5|personal
Surf Excel Easy Wash 1kg|pcs|140|3402|18|household
Surf Excel Matic 1kg|pcs|240|3402|18|household
Tide Plus Double Power 1kg|pcs|125|3402|18|household
Wheel Active 2in1 1kg|pcs|75|3402|18|household
Ariel Matic Front Load 1kg|pcs|299|3402|18|household
Rin Detergent Bar 250g|pcs|30|3401|18|household
Ghadi Detergent 1kg|pcs|70|3402|18|household
Nirma Washing Powder 1kg|pcs|65|3402|18|household
Vim Dishwash Bar 200g|pcs|20|3402|18|household
Vim Dishwash Liquid 500ml|pcs|115|3402|18|household
Pril Dishwash Liquid 425ml|pcs|105|3402|18|household
Harpic Toilet Cleaner 500ml|pcs|105|3402|18|household
Lizol Floor Cleaner 500ml|pcs|119|3808|18|household
Colin Glass Cleaner 500ml|pcs|110|3402|18|household
Comfort Fabric Conditioner 860ml|pcs|230|3809|18|household
Scotch-Brite Scrub Pad 3|pcs|50|6805|18|household
Good Knight Gold Flash Refill|pcs|85|3808|18|household
Mortein Coil 10 pcs|pcs|45|3808|18|household
All Out Refill 45ml|pcs|85|3808|18|household
Hit Spray 400ml|pcs|230|3808|18|household
Ship Matchbox Pack of 10|pcs|20|3605|5|household
Cycle Agarbatti 3in1|pcs|70|3307|5|household
Mangaldeep Agarbatti 100g|pcs|65|3307|5|household
Camphor Kapur 50g|pcs|60|2914|18|household
Diya Cotton Batti|pcs|20|5601|5|household
Eveready AA Battery 2|pcs|40|8506|18|household
Garbage Bags Medium 30|pcs|99|3923|18|household
Aluminium Foil 9m|pcs|85|7607|18|household
Candles Pack of 6|pcs|40|3406|5|household
Tata Tea Premium 500g|pcs|275|0902|5|drinks
Tata Tea Gold 250g|pcs|170|0902|5|drinks
Red Label Tea 500g|pcs|290|0902|5|drinks
Taj Mahal Tea 250g|pcs|190|0902|5|drinks
Wagh Bakri Tea 500g|pcs|265|0902|5|drinks
Tata Tea Agni 1kg|pcs|350|0902|5|drinks
Nescafe Classic 50g|pcs|190|2101|5|drinks
Bru Instant Coffee 100g|pcs|230|2101|5|drinks
Bournvita 500g|pcs|245|1901|5|drinks
Horlicks Classic Malt 500g|pcs|260|1901|5|drinks
Complan Kesar Badam 500g|pcs|320|1901|5|drinks
Rasna Orange 500g|pcs|110|2106|5|drinks
Tang Orange 500g|pcs|160|2106|5|drinks
Thums Up 750ml|pcs|45|2202|40|drinks
Coca-Cola 2.25l|pcs|99|2202|40|drinks
Sprite 750ml|pcs|45|2202|40|drinks
Limca 600ml|pcs|40|2202|40|drinks
Frooti Mango 600ml|pcs|40|2202|5|drinks
Maaza Mango 1.2l|pcs|75|2202|5|drinks
Real Fruit Juice Mixed 1l|pcs|125|2009|5|drinks
Bisleri Water 1l|pcs|20|2201|18|drinks
Kinley Water 2l|pcs|30|2201|18|drinks
Red Bull 250ml|pcs|125|2202|40|drinks
Everest Turmeric Powder 200g|pcs|70|0910|5|spices
Everest Red Chilli Powder 200g|pcs|90|0904|5|spices
Everest Coriander Powder 200g|pcs|65|0909|5|spices
Everest Garam Masala 100g|pcs|88|0910|5|spices
MDH Kitchen King 100g|pcs|87|0910|5|spices
MDH Chana Masala 100g|pcs|82|0910|5|spices
MDH Deggi Mirch 100g|pcs|94|0904|5|spices
Catch Kasuri Methi 25g|pcs|40|0910|5|spices
Everest Pav Bhaji Masala 100g|pcs|80|0910|5|spices
Jeera Cumin 100g|pcs|65|0909|5|spices
Rai Mustard Seeds 100g|pcs|25|1207|5|spices
Kali Mirch Black Pepper 50g|pcs|70|0904|5|spices
Elaichi Green Cardamom 25g|pcs|110|0908|5|spices
Laung Cloves 25g|pcs|45|0907|5|spices
Hing Asafoetida 50g|pcs|95|1301|5|spices
Ajwain 100g|pcs|45|0909|5|spices
Saunf Fennel 100g|pcs|40|0909|5|spices
Tata Sampann Sambar Masala 100g|pcs|75|0910|5|spices
Suhana Biryani Masala 50g|pcs|35|0910|5|spices
Tamarind Imli 250g|pcs|60|0813|5|spices
Kashmiri Mirch Whole 100g|pcs|85|0904|5|spices
Dalchini Cinnamon 50g|pcs|55|0906|5|spices
Tez Patta Bay Leaf 25g|pcs|20|0910|5|spices
Badshah Chaat Masala 100g|pcs|75|0910|5|spices
Kishmish Raisins 250g|pcs|120|0806|5|spices
Kaju Cashew 250g|pcs|280|0801|5|spices
Badam Almonds 250g|pcs|260|0802|5|spices
Onion (loose)|kg|40|0703|0|staples
Potato (loose)|kg|30|0701|0|staples
Peanuts Moongphali 500g|pcs|75|1202|5|staples
"""

CATALOGUE: tuple[Item, ...] = tuple(
    Item(name, unit, Decimal(price), hsn, Decimal(gst), aisle)
    for name, unit, price, hsn, gst, aisle in (
        line.split("|") for line in _ROWS.strip().splitlines()
    )
)


VENDORS: tuple[tuple[str, str], ...] = (
    ("Agarwal Traders", "9415012345"),
    ("Bansal Oil Depot", "9839023456"),
    ("Verma Dairy Suppliers", "9936034567"),
    ("Shree Balaji Distributors", "8840045678"),
    ("Khanna Agencies", "9450056789"),
    ("Jain Enterprises", "7007067890"),
    ("Mehta Beverages", "9918078901"),
    ("Rajasthan Masala Bhandar", "8318089012"),
)
"""Wholesalers of Lucknow's markets, one per aisle (`Aisle.vendor`)."""

VENDORS_ON_CREDIT = frozenset({0, 1, 3, 4})
"""Vendors who give the shop udhaar: their bills are paid part now, the rest in a week or two."""

FIRST_NAMES = (
    "Ramesh", "Sunita", "Mohan", "Priya", "Anil", "Geeta", "Suresh", "Kavita", "Rajesh",
    "Pooja", "Vijay", "Anjali", "Deepak", "Neha", "Manoj", "Rekha", "Sanjay", "Meena",
    "Arvind", "Shalini", "Imran", "Farida", "Gurpreet", "Harjeet", "Joseph", "Mary",
    "Lakshmi", "Venkatesh", "Ashok", "Savita",
)  # fmt: skip
LAST_NAMES = (
    "Sharma", "Verma", "Gupta", "Singh", "Yadav", "Mishra", "Srivastava", "Pandey",
    "Tiwari", "Khan", "Agarwal", "Saxena", "Chauhan", "Kumar", "Dubey", "Rastogi",
)  # fmt: skip

MOBILE_STARTS = ("94", "95", "96", "97", "98", "99", "88", "89", "70", "73", "63", "62")
"""Leading digits of Indian mobile numbers (all valid 10-digit series)."""

FESTIVALS: dict[dt.date, str] = {
    dt.date(2025, 10, 2): "Dussehra",
    dt.date(2025, 10, 18): "Dhanteras",
    dt.date(2025, 10, 20): "Diwali",
    dt.date(2025, 11, 5): "Guru Nanak Jayanti",
    dt.date(2026, 3, 4): "Holi",
    dt.date(2026, 8, 28): "Raksha Bandhan",
    dt.date(2026, 9, 14): "Ganesh Chaturthi",
    dt.date(2026, 10, 20): "Dussehra",
    dt.date(2026, 11, 6): "Dhanteras",
    dt.date(2026, 11, 8): "Diwali",
    dt.date(2026, 11, 24): "Guru Nanak Jayanti",
}
"""Festivals that move with the lunar calendar, by date: the shop is busier than a Sunday."""

FIXED_FESTIVALS: dict[tuple[int, int], str] = {
    (1, 1): "New Year",
    (1, 14): "Makar Sankranti",
    (12, 25): "Christmas",
}
"""Festivals on the same (month, day) every year."""
