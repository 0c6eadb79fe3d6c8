namespace Shiming.BaiduEmulator;

/// <summary>
/// The settings one Baidu API may have of its own, bound from <c>Emulator:Apis:{api}</c>. Each one left unset is the
/// API's Baidu default where Baidu documents one that differs (<see cref="EmulatorApis"/>), else the emulator-wide
/// setting of the same name; so <c>Emulator:QpsLimit</c> and the rest still set every API at once.
/// </summary>
public sealed class EmulatorApiOptions
{
    /// <summary>Whether this API is ticked on the application; false answers error 6. See <see cref="EmulatorOptions.Enabled"/>.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Calls per second for this API alone; see <see cref="EmulatorOptions.QpsLimit"/>.</summary>
    public int? QpsLimit { get; set; }

    /// <summary>See <see cref="EmulatorOptions.LatencyMedian"/>.</summary>
    public TimeSpan? LatencyMedian { get; set; }

    /// <summary>See <see cref="EmulatorOptions.LatencyP99"/>.</summary>
    public TimeSpan? LatencyP99 { get; set; }

    /// <summary>See <see cref="EmulatorOptions.ServerErrorRate"/>.</summary>
    public double? ServerErrorRate { get; set; }

    /// <summary>See <see cref="EmulatorOptions.TimeoutRate"/>.</summary>
    public double? TimeoutRate { get; set; }

    /// <summary>See <see cref="EmulatorOptions.InternalErrorRate"/>.</summary>
    public double? InternalErrorRate { get; set; }

    /// <summary>See <see cref="EmulatorOptions.ConnectionResetRate"/>.</summary>
    public double? ConnectionResetRate { get; set; }

    /// <summary>See <see cref="EmulatorOptions.QpsBurstRate"/>.</summary>
    public double? QpsBurstRate { get; set; }

    /// <summary>See <see cref="EmulatorOptions.QpsBurstLength"/>.</summary>
    public TimeSpan? QpsBurstLength { get; set; }

    /// <summary>See <see cref="EmulatorOptions.DailyQuota"/>; counted for this API alone.</summary>
    public int? DailyQuota { get; set; }

    /// <summary>See <see cref="EmulatorOptions.TotalQuota"/>; counted for this API alone.</summary>
    public int? TotalQuota { get; set; }

    /// <summary>See <see cref="EmulatorOptions.MinImageBase64Bytes"/>.</summary>
    public int? MinImageBase64Bytes { get; set; }

    /// <summary>See <see cref="EmulatorOptions.MaxImageBase64Bytes"/>.</summary>
    public int? MaxImageBase64Bytes { get; set; }

    /// <summary>See <see cref="EmulatorOptions.MinImageSide"/>.</summary>
    public int? MinImageSide { get; set; }

    /// <summary>See <see cref="EmulatorOptions.MaxImageSide"/>.</summary>
    public int? MaxImageSide { get; set; }
}

/// <summary>The Baidu APIs the emulator answers, by the names the call log and <c>Emulator:Apis</c> use.</summary>
public static class EmulatorApis
{
    /// <summary><c>/rest/2.0/ocr/v1/idcard</c>, ID-card OCR.</summary>
    public const string IdCard = "idcard";

    /// <summary><c>/rest/2.0/ocr/v1/general_basic</c>, general text OCR (standard), lines without positions.</summary>
    public const string GeneralBasic = "general_basic";

    /// <summary><c>/rest/2.0/ocr/v1/accurate_basic</c>, general text OCR (high accuracy), lines without positions.</summary>
    public const string AccurateBasic = "accurate_basic";

    /// <summary><c>/rest/2.0/ocr/v1/general</c>, general text OCR (standard) with each line's position.</summary>
    public const string General = "general";

    /// <summary><c>/rest/2.0/ocr/v1/accurate</c>, general text OCR (high accuracy) with each line's position.</summary>
    public const string Accurate = "accurate";

    /// <summary><c>/rest/2.0/solution/v1/img_censor/v2/user_defined</c>, image moderation (内容审核平台-图像).</summary>
    public const string UserDefined = "user_defined";

    /// <summary><c>/rest/2.0/face/v3/person/idmatch</c>, the identity check of a name and an ID number (身份证与名字比对).</summary>
    public const string IdMatch = "idmatch";

    /// <summary><c>/rest/2.0/face/v4/idmatch_date</c>, the identity check with the card's validity dates (含有效期核验).</summary>
    public const string IdMatchDate = "idmatch_date";

    /// <summary>Every API the emulator answers.</summary>
    public static IReadOnlyList<string> All { get; } = [IdCard, GeneralBasic, AccurateBasic, General, Accurate, UserDefined, IdMatch, IdMatchDate];

    /// <summary>
    /// Where Baidu's documentation gives an API other limits than the emulator-wide defaults (which are the ID-card
    /// API's): the high-accuracy text APIs take 10 MB and 8192 px; moderation takes 5 KB to 4 MB of Base64 and 128 to
    /// 4096 px, and its paid QPS is 50; the identity checks have 2 QPS each, the free tier of an enterprise account.
    /// </summary>
    internal static EmulatorApiOptions BaiduDefaults(string api) => api switch
    {
        AccurateBasic or Accurate => new EmulatorApiOptions { MaxImageBase64Bytes = 10 * 1024 * 1024, MaxImageSide = 8192 },
        UserDefined => new EmulatorApiOptions
        {
            QpsLimit = 50,
            MinImageBase64Bytes = 5 * 1024,
            MaxImageBase64Bytes = 4 * 1024 * 1024,
            MinImageSide = 128,
            MaxImageSide = 4096,
        },
        IdMatch or IdMatchDate => new EmulatorApiOptions { QpsLimit = 2 },
        _ => new EmulatorApiOptions(),
    };
}
