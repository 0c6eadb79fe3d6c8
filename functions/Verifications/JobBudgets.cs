using Microsoft.Extensions.Options;
using Shiming.Baidu;

namespace Shiming.Verifications;

/// <summary>Each kind's QPS budget, from <c>Baidu__Budgets__{kind}__QpsLimit</c> or the kind's default.</summary>
public static class JobBudgets
{
    /// <summary>
    /// The calls a second <paramref name="kind"/> may spend: its own <c>Baidu__Budgets__{kind}__QpsLimit</c> when set;
    /// otherwise, for cards, <c>Baidu__QpsLimit</c> (the setting cards had before there were kinds, default 10), and
    /// for the others Baidu's paid figure for their API (<see cref="JobKinds.DefaultQpsLimit"/>).
    /// </summary>
    public static int QpsLimitFor(this BaiduOptions options, JobKind kind) =>
        options.Budgets.TryGetValue(kind.ToWireName(), out var budget) && budget.QpsLimit is { } own
            ? own
            : kind == JobKind.Verification ? options.QpsLimit : kind.DefaultQpsLimit();
}

/// <summary>A budget for a kind that does not exist is a typing mistake that would go unnoticed: it stops the start.</summary>
public sealed class JobBudgetsValidator : IValidateOptions<BaiduOptions>
{
    public ValidateOptionsResult Validate(string? name, BaiduOptions options)
    {
        foreach (var kind in options.Budgets.Keys)
        {
            if (!JobKinds.TryParse(kind, out _))
            {
                return ValidateOptionsResult.Fail($"Baidu__Budgets__{kind} names no kind of job: use verification, text or moderation.");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
