/// Reference lists the generator draws from, shaped after the real file (see shared/real-samples).
enum Catalogs {
    /// (city, state, zip): zips below 10000 lose their leading zero in the real file (`6108.0`).
    static let usCities: [(String, String, Int)] = [
        ("Beulah", "ND", 58523), ("Bettendorf", "IA", 52722), ("Vista", "CA", 92084), ("Crown Point", "IN", 46307),
        ("Harwood", "MD", 20776), ("Houston", "TX", 77047), ("Hartford", "CT", 6108), ("Lowell", "MA", 1801),
        ("Newark", "NJ", 7102), ("Morristown", "NJ", 7960), ("Miami", "FL", 33133), ("Chicago", "IL", 60614),
        ("Columbus", "OH", 43215), ("Atlanta", "GA", 30309), ("Seattle", "WA", 98101), ("Denver", "CO", 80202),
        ("Phoenix", "AZ", 85004), ("Portland", "OR", 97205), ("Nashville", "TN", 37203), ("Brooklyn", "NY", 11201),
        ("Buffalo", "NY", 14201), ("La Verne", "CA", 91750), ("San Antonio", "TX", 78205), ("Charlotte", "NC", 28202),
        ("Detroit", "MI", 48226), ("Minneapolis", "MN", 55401), ("Louisville", "KY", 40202), ("Richmond", "VA", 23219),
        ("Salt Lake City", "UT", 84101), ("Las Vegas", "NV", 89101), ("Boise", "ID", 83702), ("Omaha", "NE", 68102),
        ("Tulsa", "OK", 74103), ("Madison", "WI", 53703), ("Providence", "RI", 2903), ("Burlington", "VT", 5401),
        ("Portland", "ME", 4101), ("Manchester", "NH", 3101), ("Anchorage", "AK", 99501), ("Honolulu", "HI", 96813),
    ]

    /// Cross-border merchants: a foreign city and the country in merchant_state, zip empty.
    static let foreign: [(String, String)] = [
        ("Mexico City", "Mexico"), ("Toronto", "Canada"), ("Vatican City", "Vatican City"), ("Santo Domingo", "Dominican Republic"),
        ("Rome", "Italy"), ("Port-au-Prince", "Haiti"), ("Beijing", "China"), ("Tokyo", "Japan"), ("Berlin", "Germany"),
        ("Paris", "France"), ("London", "United Kingdom"), ("Mumbai", "India"), ("Dublin", "Ireland"), ("Tbilisi", "Georgia"),
    ]

    static let streets = ["Rose Lane", "Federal Boulevard", "Main Street", "Oak Drive", "Elm Street", "Maple Avenue", "Hill Street",
                          "Lake Drive", "Park Avenue", "Cedar Lane", "Washington Street", "Pine Street", "Sunset Boulevard",
                          "River Road", "Forest Drive", "Madison Avenue", "Spruce Street", "Valley Drive", "Ocean Avenue", "Bay Street"]

    /// Relative volume of merchant categories in card-present and online payments (top codes from STATS.md).
    static let presentMCC: [(Int, Double)] = [
        (5411, 1592), (5499, 1461), (5541, 1425), (5812, 1000), (5912, 773), (4784, 674), (5300, 602), (4121, 501), (5814, 500),
        (5311, 300), (5310, 250), (7538, 200), (5942, 120), (5651, 150), (5732, 60), (5094, 25), (4722, 40), (7011, 60),
        (5211, 170), (5661, 70), (8021, 80), (8011, 90), (7832, 70), (5921, 90), (4511, 30), (3000, 8), (3256, 8), (3389, 6),
        (4411, 2), (5719, 40), (7230, 60), (5813, 80), (8099, 40), (7542, 70), (5722, 30), (5045, 15),
    ]
    static let onlineMCC: [(Int, Double)] = [
        (4829, 600), (5815, 120), (5816, 90), (5732, 60), (3780, 40), (5045, 40), (5311, 150), (4900, 300), (4814, 200),
        (4899, 120), (7801, 50), (5094, 15), (5942, 60), (5300, 80), (5651, 60),
    ]
    /// Categories that resell easily: fraud runs far above average there.
    static let riskyMCC: Set<Int> = [5732, 5094, 5815, 5816, 3780, 5045]

    static let singleErrors: [(String, Double)] = [
        ("Insufficient Balance", 16630), ("Bad PIN", 4160), ("Technical Glitch", 3289), ("Bad Card Number", 991),
        ("Bad CVV", 796), ("Bad Expiration", 743), ("Bad Zipcode", 114),
    ]
    static let multiErrors = ["Bad PIN,Insufficient Balance", "Insufficient Balance,Technical Glitch", "Bad PIN,Technical Glitch",
                              "Bad Card Number,Insufficient Balance", "Bad Expiration,Insufficient Balance", "Bad Expiration,Bad CVV",
                              "Bad CVV,Insufficient Balance", "Bad Card Number,Bad CVV"]

    /// Transactions per hour of day (STATS.md §2: peak at noon, trough 01–04).
    static let hourWeights: [Double] = [140, 110, 104, 108, 116, 300, 760, 800, 850, 880, 900, 930, 953, 920, 900, 860, 800,
                                        480, 470, 460, 450, 440, 420, 159]
}
