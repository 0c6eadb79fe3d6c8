namespace Shiming.BaiduEmulator;

/// <summary>
/// The identity checks' choices that Baidu does not pin down (<c>Emulator:IdentityCheck</c>); each default is the
/// likelier reading of Baidu's documentation.
/// </summary>
public sealed class EmulatorIdentityCheckOptions
{
    /// <summary>Longest name accepted, in characters; a longer one is error 222023. Baidu's own limit is not documented.</summary>
    public int NameMaxLength { get; set; } = 20;

    /// <summary>What <c>idmatch</c> answers for a number the authority does not know: 222351 (the documented text) or 222354.</summary>
    public int UnknownNumberCode { get; set; } = IdentityCodes.Mismatch;

    /// <summary>What both checks answer while the authority cannot answer for a person: 222361 <c>system busy</c> or 222360.</summary>
    public int AuthorityDownCode { get; set; } = IdentityCodes.SystemBusy;

    /// <summary><c>idmatch_date</c>'s code for dates that break its rules; Baidu's is not documented.</summary>
    public int InvalidDateCode { get; set; } = 216100;

    internal void Validate()
    {
        if (NameMaxLength < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(NameMaxLength), NameMaxLength, "Emulator:IdentityCheck:NameMaxLength must be at least 2.");
        }

        if (UnknownNumberCode is not (IdentityCodes.Mismatch or IdentityCodes.NumberNotFound))
        {
            throw new ArgumentOutOfRangeException(nameof(UnknownNumberCode), UnknownNumberCode, "Emulator:IdentityCheck:UnknownNumberCode must be 222351 or 222354.");
        }

        if (AuthorityDownCode is not (IdentityCodes.Rejected or IdentityCodes.SystemBusy))
        {
            throw new ArgumentOutOfRangeException(nameof(AuthorityDownCode), AuthorityDownCode, "Emulator:IdentityCheck:AuthorityDownCode must be 222360 or 222361.");
        }

        if (InvalidDateCode <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(InvalidDateCode), InvalidDateCode, "Emulator:IdentityCheck:InvalidDateCode must be a positive error code.");
        }
    }
}

/// <summary>The identity checks' error codes, with the legacy messages Baidu's face SDK documents.</summary>
internal static class IdentityCodes
{
    public const int NumberFormat = 222022;
    public const int NameFormat = 222023;
    public const int Mismatch = 222351;
    public const int NumberNotFound = 222354;
    public const int NoResult = 222355;
    public const int Rejected = 222360;
    public const int SystemBusy = 222361;

    public static string Message(int code) => code switch
    {
        NumberFormat => "param[id_card_number] format error",
        NameFormat => "param[name] format error",
        Mismatch => "id number and name not match or id number not exist",
        NumberNotFound => "id number not exist",
        NoResult => "police picture not exist",
        Rejected => "invalid name or id number",
        SystemBusy => "system busy",
        _ => "invalid param",
    };
}
