using System.Collections.Frozen;

namespace Warehouse.Etl.Cleaning;

/// <summary>
/// The active ISO 4217 alphabetic currency codes. Source: ISO 4217 "List one: currency, fund and precious metal codes",
/// published by SIX (the standard's maintenance agency, six-group.com "currency-iso"), as in force in 2024–2025; codes
/// withdrawn during that time but still in files of the period (ANG before XCG, SLL before SLE, ZWL before ZWG, BGN
/// before the euro, CUC) are kept. XTS (testing) and XXX (no currency) are not currencies of a price and are left out;
/// codes withdrawn earlier (HRK, VEF, MRO, STD, LTL…) are unknown. Update the list from the agency's list one.
/// </summary>
public static class CurrencyCodes
{
    private static readonly FrozenSet<string> Active = new[]
    {
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND",
        "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU",
        "CRC", "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
        "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY",
        "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA",
        "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD",
        "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK",
        "SGD", "SHP", "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD",
        "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XAG", "XAU",
        "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD", "XPF", "XPT", "XSU", "XUA", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ActiveLookup = Active.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Number of codes in the list.</summary>
    public static int Count => Active.Count;

    /// <summary>Whether <paramref name="code"/> (exactly, capital letters) is an active ISO 4217 code.</summary>
    public static bool IsActive(ReadOnlySpan<char> code) => code.Length == 3 && ActiveLookup.Contains(code);
}
