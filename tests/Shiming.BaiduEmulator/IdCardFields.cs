namespace Shiming.BaiduEmulator;

/// <summary>The keys of Baidu's <c>words_result</c> for an ID card, and the values of <c>id_card_side</c>.</summary>
public static class IdCardFields
{
    /// <summary>Portrait side, the one with the photo.</summary>
    public const string Front = "front";

    /// <summary>Emblem side.</summary>
    public const string Back = "back";

    /// <summary>Name.</summary>
    public const string Name = "姓名";

    /// <summary>Sex, <c>男</c> or <c>女</c>.</summary>
    public const string Gender = "性别";

    /// <summary>Ethnic group.</summary>
    public const string Ethnicity = "民族";

    /// <summary>Birth date, yyyyMMdd.</summary>
    public const string BirthDate = "出生";

    /// <summary>Address.</summary>
    public const string Address = "住址";

    /// <summary>Citizen ID number.</summary>
    public const string IdNumber = "公民身份号码";

    /// <summary>Issuing authority (back).</summary>
    public const string IssuingAuthority = "签发机关";

    /// <summary>Issue date, yyyyMMdd (back).</summary>
    public const string IssueDate = "签发日期";

    /// <summary>Expiry date, yyyyMMdd or <c>长期</c> (back).</summary>
    public const string ExpiryDate = "失效日期";

    /// <summary>The expiry a long-term card carries instead of a date.</summary>
    public const string LongTerm = "长期";

    /// <summary>The front's keys in the order they are printed.</summary>
    public static IReadOnlyList<string> FrontKeys { get; } = [Name, Gender, Ethnicity, BirthDate, Address, IdNumber];

    /// <summary>The back's keys in the order they are printed.</summary>
    public static IReadOnlyList<string> BackKeys { get; } = [IssuingAuthority, IssueDate, ExpiryDate];
}
