using Microsoft.Extensions.Options;
using Shiming.Baidu;

namespace Shiming.Jobs;

/// <summary>Each kind's QPS budget, from <c>Baidu__Budgets__{kind}__QpsLimit</c> or the kind's default.</summary>
public static class JobBudgets
{
    /// <summary>
    /// The calls a second <paramref name="kind"/> may spend: its own <c>Baidu__Budgets__{kind}__QpsLimit</c> when set;
    /// otherwise, for the unmarked kind (cards), <c>Baidu__QpsLimit</c> (the setting before there were kinds), and for
    /// the others Baidu's figure for their API (<see cref="JobKind.DefaultQpsLimit"/>).
    /// </summary>
    public static int QpsLimitFor(this BaiduOptions options, JobKind kind) =>
        options.Budgets.TryGetValue(kind.Name, out var budget) && budget.QpsLimit is { } own
            ? own
            : kind.HoldsUnmarkedRecords ? options.QpsLimit : kind.DefaultQpsLimit;
}

/// <summary>A budget for a kind that does not exist is a typing mistake that would go unnoticed: it stops the start.</summary>
public sealed class JobBudgetsValidator(JobKinds kinds) : IValidateOptions<BaiduOptions>
{
    public ValidateOptionsResult Validate(string? name, BaiduOptions options)
    {
        foreach (var kind in options.Budgets.Keys)
        {
            if (kinds.Find(kind) is null)
            {
                return ValidateOptionsResult.Fail($"Baidu__Budgets__{kind} names no kind of job: use {string.Join(", ", kinds.All.Select(k => k.Name))}.");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
