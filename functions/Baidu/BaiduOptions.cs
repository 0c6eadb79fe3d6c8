using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Shiming.Baidu;

/// <summary>Settings <c>Baidu__*</c>: where Baidu is, the application keys, each API's QPS and the call timeout.</summary>
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
    /// Each kind of job's own budget, <c>Baidu__Budgets__{kind}__QpsLimit</c>: Baidu counts every API on its own, so
    /// each kind is paced on its own. The kinds, and the budget when one is not set, are the job engine's.
    /// </summary>
    public Dictionary<string, BaiduBudgetOptions> Budgets { get; set; } = new(StringComparer.OrdinalIgnoreCase);

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

/// <summary>One kind's budget (<c>Baidu__Budgets__{kind}__*</c>).</summary>
public sealed class BaiduBudgetOptions
{
    /// <summary>Calls per second this kind may spend; unset, the kind's default.</summary>
    public int? QpsLimit { get; set; }
}

/// <summary>The checks across settings that attributes cannot state.</summary>
public sealed class BaiduOptionsRangesValidator : IValidateOptions<BaiduOptions>
{
    public ValidateOptionsResult Validate(string? name, BaiduOptions options)
    {
        foreach (var (kind, budget) in options.Budgets)
        {
            if (budget.QpsLimit is < 1 or > 100)
            {
                return ValidateOptionsResult.Fail($"Baidu__Budgets__{kind}__QpsLimit must be between 1 and 100.");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
