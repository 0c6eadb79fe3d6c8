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

    /// <summary>How long an issued access token stays valid; reported as <c>expires_in</c>.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How an image without a card in it is answered; Baidu's real choice is not documented.</summary>
    public NonCardAnswer NonCardAnswer { get; set; } = NonCardAnswer.ImageStatus;

    /// <summary>Longest accepted Base64 image, in characters (the older, conservative 4 MB limit by default).</summary>
    public int MaxImageBase64Bytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Shortest accepted image side, in pixels.</summary>
    public int MinImageSide { get; set; } = 15;

    /// <summary>Longest accepted image side, in pixels (the older, conservative 4096 px limit by default).</summary>
    public int MaxImageSide { get; set; } = 4096;

    /// <summary>Writes <c>log_id</c> as a JSON string instead of a number, as some of Baidu's documentation does, to exercise parsers.</summary>
    public bool LogIdAsString { get; set; }

    /// <summary>
    /// Whether an image without embedded ground truth is read with Tesseract (when it is installed with the
    /// <c>chi_sim</c> model) or answered as a non-card without looking. Embedded ground truth always wins.
    /// </summary>
    public RecognitionMode Recognition { get; set; } = RecognitionMode.Auto;

    /// <summary>The Tesseract program: a name looked up on <c>PATH</c>, or a path.</summary>
    public string TesseractPath { get; set; } = "tesseract";

    /// <summary>Longest one Tesseract run may take before it is killed and the call answered with error 282000.</summary>
    public TimeSpan RecognitionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (string.IsNullOrEmpty(ApiKey))
        {
            throw new ArgumentException("Emulator:ApiKey must not be empty.");
        }

        if (string.IsNullOrEmpty(SecretKey))
        {
            throw new ArgumentException("Emulator:SecretKey must not be empty.");
        }

        if (QpsLimit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(QpsLimit), QpsLimit, "Emulator:QpsLimit must be zero or more.");
        }

        if (TokenLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TokenLifetime), TokenLifetime, "Emulator:TokenLifetime must be positive.");
        }

        if (MaxImageBase64Bytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxImageBase64Bytes), MaxImageBase64Bytes, "Emulator:MaxImageBase64Bytes must be positive.");
        }

        if (MinImageSide < 1 || MaxImageSide < MinImageSide)
        {
            throw new ArgumentOutOfRangeException(nameof(MinImageSide), MinImageSide, "Emulator:MinImageSide must be at least 1 and no more than Emulator:MaxImageSide.");
        }

        if (string.IsNullOrEmpty(TesseractPath))
        {
            throw new ArgumentException("Emulator:TesseractPath must not be empty.");
        }

        if (RecognitionTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RecognitionTimeout), RecognitionTimeout, "Emulator:RecognitionTimeout must be positive.");
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
    /// <summary>With Tesseract when it is installed with <c>chi_sim</c>; as a non-card otherwise.</summary>
    Auto,

    /// <summary>Always as a non-card, as the emulator did before it could read: tests that pin that behaviour use it.</summary>
    Off,
}
