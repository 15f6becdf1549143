"""Ordinary words of listing titles that must never count as a brand typo.

A five-letter brand is one edit away from many English words ("Sonic" /
"tonic", "Witho" / "with"). Typo matching already demands a minimum length
and the same first letter; a title word found here is, in addition, taken at
face value. Terms under five letters only match exactly, so the words that
matter have four letters (a five-letter term minus one) or more.

>>> "women" in COMMON_WORDS, "velmora" in COMMON_WORDS
(True, False)
"""

from __future__ import annotations

__all__ = ["COMMON_WORDS"]

_WORDS = """
about above adapter adjustable adult adults after again agent almost alone along
always amber angel angle animal ankle apple apron argan armor aroma arrow artist
audio autumn baby backpack badge baker balance ballet bamboo band bangle banner
barrel based basic basket batch battery beach beads beauty bedding before being
below bench berry better beyond bicycle black blade blank blanket blazer blend
blender block blood bloom blouse board bonus boots bottle bottom bounce bowls
boxed boxes bracelet brand brass bread break brick bridal bright broom brown
brush bucket buckle build bundle burger butter button cable cabinet camera
campus candle canvas carbon cards cargo carpet carry cases casual catch cause
ceramic chain chair chalk charger charm chart cheap check cheese cherry chest
child children chrome circle citrus class classic clean clear clock close
closet cloth clothes cloud coach coast coated cobalt coffee collar colour color
combo comfort compact complete cooler copper cordless cotton couch count cover
craft cream crystal cube curve cushion custom cycle daily dance dark decor deluxe
denim design desk digital dinner display double dress dresses drill drink
driver dryer durable earrings easy edition elegant empty energy engine entry
extra fabric family fancy fashion father feather fiber field filter final
first fitness flash flower flowers fluffy flute focus folding force forest
frame fresh front frozen fruit funny garden gauge gears gentle giant glass
glasses globe glossy glove gloves golden grand graphic grass great green
grill guitar handbag handle happy heart heavy helmet hiking holder holiday
hollow honey hoodie house human ivory jacket jeans jewel jewelry juice kettle
kids kitchen knife label ladies lamps large laser latex leash leather lemon
level light lights limited linen liner little lotion lounge lover lovers lucky
luxury magic maker marble match matte medium metal meter micro mirror mixer
model modern money monitor mother motor mount mouse multi music natural navy
necklace never night noble north ocean office olive orange organic original
outdoor outer paint panel pants paper party patch pearl pencil phone piano
pillow pilot pink plaid plant plastic plate plush pocket point polish portable
poster pouch power premium press price print pro queen quick quiet radio rain
ready regular retro rider rings river roller rose round royal rubber runner
rustic saddle safety sandal sandals scarf school score screen season secure
series shade shell shine shirt shirts shoes short shorts shower silver simple
single sized skirt sleep slim slipper small smart smooth snack socks solar
solid sound space spare speaker special sport sports spring square stand
steel stone storage store storm straw street strong studio style summer
super sweater sweet table tablet teacher thick thin tiger timer titan toddler
tonic tools tower towel track trail travel tribe tropical trouser truck
turbo twist ultra under unisex urban vanity velvet vintage vinyl vital
voice wallet warm washer watch water wheel white wide window winter wireless
woman women wooden woven wrist yellow young youth zipper
"""

_SHORT_WORDS = """
able back bags ball band bank base bath bead bear beds bell belt best bike bird blue boat
body bold book boot born both bowl boxes brim bulb bush busy cake call calm camo card care
cars case cash cast chic city clip club coat code coil cold comb cook cool cord core cosy
cozy cute dark date deal deck deep desk dial disc dish dock doll door dots down draw dual
duck dust easy edge even eyes face fair fall fans fast felt fire fish fits five flag flat
fold food foot fork form four free frog from full fuzzy gear gift girl glow gold golf good
grey grid grip hair half hand hard hats head heat heel help here high hold home hood hook
hoop horn host huge idea inch iron item jade jazz jean kids kind king kits knit lace lady
lamp land last lawn lead leaf left lens life lift like lily line link lion lite live lock
logo long look loop love luxe made mail main make male mama many mask mate maxi mens mesh
midi mild milk mini mint mode moon more most much mugs must nail name navy neck need nest
news next nice nine note oval pack page pads pair palm pant papa park part pass past path
peak pens pets pick pink pipe plan play plug plus pods pole polo pool post pots pull pump
pure push race rack rain real rear reed ring road rock roll roof room rope rose ruby rugs
safe sail salt same sand seat seed self sets shoe shop show side sign silk sink size skin
slim slip snow soap sock sofa soft sole some song sort soup spin spot star stay step stop
suit sun surf swim tall tank tape teal team tech tees tent test text that then thin this
tile time tiny tips toes told tone tool tops tote town toys tray tree trim trip true tube
tune twin type unit used vase vent very vest view vine wall warm wash wave wear week well
west what wide wife wild will wind wine wing wire wish with wolf wood wool word work wrap
yard yarn year yoga your zero zinc zone
"""

#: lower-case ASCII words that are never read as typos of a brand term
COMMON_WORDS: frozenset[str] = frozenset(_WORDS.split()) | frozenset(_SHORT_WORDS.split())
