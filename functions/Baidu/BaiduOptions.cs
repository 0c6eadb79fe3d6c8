using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Shiming.Baidu;

/// <summary>Settings <c>Baidu__*</c>: where Baidu's OCR is, the application keys and the QPS budget.</summary>
public sealed class BaiduOptions
{
    public const string Section = "Baidu";

    [Required]
    public Uri Endpoint { get; set; } = new("https://aip.baidubce.com");

    [Required(ErrorMessage = "Baidu__ApiKey is required: the API Key of the Baidu application (or the emulator's key locally).")]
    public string ApiKey { get; set; } = "";

    [Required(ErrorMessage = "Baidu__SecretKey is required: the Secret Key of the Baidu application (or the emulator's key locally).")]
    public string SecretKey { get; set; } = "";

    /// <summary>Calls per second this app may spend: 2 on free resources, 10 once paid, more by purchase.</summary>
    [Range(1, 100)]
    public int QpsLimit { get; set; } = 10;

    /// <summary>
    /// Least extra spacing between call starts, as a share of <c>1 / QpsLimit</c> (0.02 = 2%): the margin the pacing
    /// narrows back to while Baidu refuses nothing, against the jitter on the way to Baidu.
    /// </summary>
    [Range(0.0, 0.5)]
    public double PacingMarginMin { get; set; } = 0.02;

    /// <summary>Most extra spacing the pacing widens to after refusals (error 18).</summary>
    [Range(0.0, 1.0)]
    public double PacingMarginMax { get; set; } = 0.25;

    /// <summary>How long one OCR call may take before it counts as a transport fault.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Validates <see cref="BaiduOptions"/> with code generated at build time. Reflection-based validation shares one
/// <see cref="RangeAttribute"/> per property, and its TimeSpan conversion is not thread-safe (dotnet/runtime#1143):
/// apps starting side by side in one process could fail with an InvalidCastException.
/// </summary>
[OptionsValidator]
public sealed partial class BaiduOptionsValidator : IValidateOptions<BaiduOptions>;

/// <summary>The checks across settings that attributes cannot state.</summary>
public sealed class BaiduOptionsRangesValidator : IValidateOptions<BaiduOptions>
{
    public ValidateOptionsResult Validate(string? name, BaiduOptions options) =>
        options.PacingMarginMin > options.PacingMarginMax
            ? ValidateOptionsResult.Fail($"Baidu__PacingMarginMin ({options.PacingMarginMin}) must not be more than Baidu__PacingMarginMax ({options.PacingMarginMax}).")
            : ValidateOptionsResult.Success;
}
