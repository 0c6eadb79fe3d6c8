using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Shiming.Budget;

/// <summary>
/// Settings <c>Baidu__PacingMargin*</c>: the extra spacing between call starts, as a share of <c>1 / QpsLimit</c>
/// (0.02 = 2 %), against the jitter on the way to Baidu. They sit with Baidu's settings because they tune the calls
/// to Baidu; the budget is what reads them.
/// </summary>
public sealed class PacingOptions
{
    public const string Section = "Baidu";

    /// <summary>The least margin: what the pacing narrows back to while Baidu refuses nothing.</summary>
    [Range(0.0, 0.5)]
    public double PacingMarginMin { get; set; } = 0.02;

    /// <summary>The most margin the pacing widens to after refusals (error 18).</summary>
    [Range(0.0, 1.0)]
    public double PacingMarginMax { get; set; } = 0.25;
}

/// <summary>The ranges, with code generated at build time (reflection-based validation is not thread-safe for ranges).</summary>
[OptionsValidator]
public sealed partial class PacingOptionsValidator : IValidateOptions<PacingOptions>;

/// <summary>The check across the two settings that attributes cannot state.</summary>
public sealed class PacingOptionsOrderValidator : IValidateOptions<PacingOptions>
{
    public ValidateOptionsResult Validate(string? name, PacingOptions options) =>
        options.PacingMarginMin > options.PacingMarginMax
            ? ValidateOptionsResult.Fail($"Baidu__PacingMarginMin ({options.PacingMarginMin}) must not be more than Baidu__PacingMarginMax ({options.PacingMarginMax}).")
            : ValidateOptionsResult.Success;
}
