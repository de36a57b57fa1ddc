"""Word lists the world is drawn from: names, places, streets, devices, networks.

Places are real (province / city / district triples that cpca resolves; US cities with their
state and a postcode prefix) so the shared address normalizer sees realistic input.
"""

from __future__ import annotations

ZH_SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢")
ZH_GIVEN = tuple("伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉萍红建文辉力宇浩然子涵欣怡梓轩思雨晨阳佳琪俊")

EN_FIRST = ("James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
            "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
            "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Sandra", "Steven", "Ashley",
            "Kevin", "Emily", "Brian", "Michelle", "Jason", "Amanda", "Ryan", "Melissa", "Eric", "Laura")
EN_LAST = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
           "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
           "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
           "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores")

# (province, city, district); municipalities repeat the city as the province.
ZH_PLACES = (
    ("广东省", "深圳市", "南山区"), ("广东省", "深圳市", "福田区"), ("广东省", "深圳市", "宝安区"),
    ("广东省", "广州市", "天河区"), ("广东省", "广州市", "海珠区"), ("广东省", "东莞市", "南城街道"),
    ("浙江省", "杭州市", "西湖区"), ("浙江省", "杭州市", "余杭区"), ("浙江省", "宁波市", "鄞州区"),
    ("江苏省", "南京市", "鼓楼区"), ("江苏省", "苏州市", "工业园区"), ("江苏省", "无锡市", "梁溪区"),
    ("上海市", "上海市", "浦东新区"), ("上海市", "上海市", "徐汇区"), ("上海市", "上海市", "闵行区"),
    ("北京市", "北京市", "朝阳区"), ("北京市", "北京市", "海淀区"), ("北京市", "北京市", "丰台区"),
    ("四川省", "成都市", "武侯区"), ("四川省", "成都市", "锦江区"), ("湖北省", "武汉市", "洪山区"),
    ("湖北省", "武汉市", "江汉区"), ("陕西省", "西安市", "雁塔区"), ("山东省", "青岛市", "市南区"),
    ("山东省", "济南市", "历下区"), ("福建省", "厦门市", "思明区"), ("河南省", "郑州市", "金水区"),
    ("湖南省", "长沙市", "岳麓区"), ("天津市", "天津市", "南开区"), ("重庆市", "重庆市", "渝中区"),
)
ZH_STREET_STEMS = ("人民", "建设", "中山", "解放", "科技园南", "文一西", "长江", "黄河", "滨海", "学府", "和平", "新华",
                   "东风", "胜利", "朝阳", "青年", "花园", "工业", "迎宾", "红旗", "光明", "幸福", "南京东", "延安西",
                   "金融", "世纪", "创业", "汉中", "天府", "望江")
ZH_STREET_SUFFIXES = ("路", "街", "大道")
# Plausible one-character typos: a similar-looking or same-sounding character.
ZH_TYPO = {"路": "络", "街": "衔", "道": "到", "号": "亏", "栋": "拣", "室": "宝", "区": "匹", "市": "巿",
           "人": "入", "民": "明", "建": "健", "设": "没", "中": "忠", "山": "川", "解": "鲜", "放": "方",
           "科": "料", "技": "枝", "园": "圆", "南": "楠", "文": "又", "西": "酉", "长": "常", "江": "汪",
           "黄": "簧", "河": "何", "滨": "宾", "海": "每", "学": "字", "府": "腐", "和": "禾", "平": "苹",
           "新": "欣", "华": "化", "东": "冻", "风": "凤", "胜": "性", "利": "莉", "朝": "潮", "阳": "杨",
           "青": "清", "年": "午", "花": "化", "工": "土", "业": "亚", "迎": "仰", "宾": "滨", "红": "虹",
           "旗": "棋", "光": "先", "明": "朋", "幸": "辛", "福": "富", "京": "景", "延": "廷", "安": "按",
           "金": "全", "融": "溶", "世": "丗", "纪": "记", "创": "仓", "汉": "汊", "天": "夫", "望": "忘"}

# (city, state, postcode prefix)
EN_PLACES = (
    ("San Francisco", "CA", "941"), ("Los Angeles", "CA", "900"), ("San Jose", "CA", "951"),
    ("Seattle", "WA", "981"), ("Portland", "OR", "972"), ("Austin", "TX", "787"), ("Houston", "TX", "770"),
    ("Chicago", "IL", "606"), ("New York", "NY", "100"), ("Brooklyn", "NY", "112"), ("Boston", "MA", "021"),
    ("Denver", "CO", "802"), ("Phoenix", "AZ", "850"), ("Atlanta", "GA", "303"), ("Miami", "FL", "331"),
)
EN_STREET_NAMES = ("Market", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park",
                   "Sunset", "Mission", "Broadway", "Lincoln", "Jackson", "Highland", "Valencia", "Franklin",
                   "Madison", "Church", "Spring", "River", "Forest", "Meadow", "Union")
EN_STREET_TYPES = ("Street", "Avenue", "Road", "Boulevard", "Drive", "Lane")
EN_ABBREV = {"Street": "St", "Avenue": "Ave", "Road": "Rd", "Boulevard": "Blvd", "Drive": "Dr", "Lane": "Ln"}
US_AREA_CODES = ("415", "510", "650", "408", "213", "310", "206", "503", "512", "713", "312", "212", "718",
                 "617", "303", "602", "404", "305")

# Realistic user agents; emulator ones are what device farms tend to show.
MOBILE_UAS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MarketApp/8.4.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MarketApp/8.3.0",
    "Mozilla/5.0 (Linux; Android 14; 23049RAD8C Build/UKQ1.230804.001) AppleWebKit/537.36 Chrome/124.0 Mobile MarketApp/8.4.1",
    "Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014) AppleWebKit/537.36 Chrome/120.0 Mobile MarketApp/8.2.7",
    "Mozilla/5.0 (Linux; Android 14; PJZ110 Build/UKQ1.231108.001) AppleWebKit/537.36 Chrome/125.0 Mobile MarketApp/8.4.1",
    "Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00) AppleWebKit/537.36 Chrome/114.0 Mobile MarketApp/8.3.0",
    "Mozilla/5.0 (Linux; Android 14; SM-S9180) AppleWebKit/537.36 Chrome/126.0 Mobile MarketApp/8.4.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
)
EMULATOR_UAS = (
    "Mozilla/5.0 (Linux; Android 9; SM-G973N Build/PQ3A.190705.003) AppleWebKit/537.36 Chrome/91.0 Mobile MarketApp/8.1.0",
    "Mozilla/5.0 (Linux; Android 7.1.2; VOG-AL10 Build/N2G48H) AppleWebKit/537.36 Chrome/81.0 Mobile MarketApp/8.1.0",
    "Mozilla/5.0 (Linux; Android 9; ASUS_I003DD Build/PI) AppleWebKit/537.36 Chrome/88.0 Mobile MarketApp/8.0.2",
)

# /16 prefixes of consumer ISPs; home IPs take a random /24 inside one of them.
ZH_ISP_PREFIXES = ("113.88", "116.24", "183.14", "222.70", "58.60", "121.35", "119.123", "27.38", "36.110", "101.86")
EN_ISP_PREFIXES = ("73.162", "98.207", "24.5", "67.180", "71.198", "76.102", "108.27", "174.61")
# Mobile carriers put many subscribers behind few public (CGNAT) addresses: sharing an IP is normal.
CGNAT_PREFIXES = ("223.104.3", "117.136.12", "112.97.56", "172.56.21")
# Data-centre / proxy ranges that farms rent.
PROXY_PREFIXES = ("47.242", "120.79", "8.210", "39.108", "103.151")

SHOP_WORDS_ZH = ("优品", "旗舰店", "数码", "家居", "美妆", "母婴", "鞋服", "零食", "百货", "严选")
SHOP_WORDS_EN = ("Outlet", "Store", "Goods", "Digital", "Home", "Beauty", "Kids", "Market", "Supply", "Depot")
LOCKERS_ZH = ("丰巢智能柜", "菜鸟驿站", "京东自提柜")
LOCKERS_EN = ("Amazon Hub Locker", "UPS Access Point", "Parcel Pending Locker")
