using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Shiming.Budget;

/// <summary>Why Baidu may not be called for now, and until when.</summary>
public sealed record BudgetPause(DateTimeOffset Until, string Reason);

/// <summary>Where a budget keeps its shared row: a table, the row's key, and how to make sure the table exists.</summary>
public sealed record BudgetRow(TableClient Table, string RowKey, Func<CancellationToken, ValueTask> EnsureCreated);

/// <summary>
/// One API's QPS budget, shared by every instance through one table row: the only way to a start time for a Baidu
/// call. A caller takes a start time and starts its call then; it reports when the call left, and what Baidu said of
/// the rate (a refusal, error 18) or the quota (a pause). Its state is read for telemetry and waiting estimates.
/// The parts (ledger, call slots, recent starts, pacing clock, margin, refusal monitor) are this folder's own.
/// </summary>
public sealed class QpsBudget
{
    private static readonly TimeSpan SlowDownAfterRefusal = TimeSpan.FromSeconds(1);

    private readonly BudgetLedger _ledger;
    private readonly CallSlots _slots;
    private readonly PacingMargin _margin;
    private readonly QpsRefusalMonitor _refusals;

    /// <param name="qpsLimit">Calls a second the API allows this app, read at each use so a changed setting applies at once.</param>
    public QpsBudget(BudgetRow row, Func<int> qpsLimit, IOptionsMonitor<PacingOptions> pacing, TimeProvider time, ILoggerFactory loggers)
    {
        _margin = new PacingMargin(pacing, time);
        _ledger = new BudgetLedger(row, qpsLimit, _margin, time);
        _slots = new CallSlots(_ledger, time, loggers.CreateLogger<CallSlots>());
        _refusals = new QpsRefusalMonitor(row.RowKey, time, loggers.CreateLogger<QpsRefusalMonitor>());
    }

    /// <summary>Calls a second the API allows.</summary>
    public int QpsLimit => _ledger.QpsLimit;

    /// <summary>The time between two start times now (the limit's share of a second, widened by the margin).</summary>
    public TimeSpan Interval => _ledger.Interval;

    /// <summary>
    /// Waits for a start time and returns it; the call must start at once. Null when the budget is paused (a quota)
    /// and no call may start. <paramref name="wanted"/> is how many calls the caller still has to start, this one
    /// included: that many times are reserved at once when none is left here.
    /// </summary>
    public Task<DateTimeOffset?> WaitForStartAsync(int wanted, CancellationToken cancellationToken) =>
        _slots.WaitForSlotAsync(wanted, cancellationToken);

    /// <summary>The call started for <paramref name="start"/> wrote its first byte at <paramref name="at"/>: the calls after it keep their distance from then.</summary>
    public void Departed(DateTimeOffset start, DateTimeOffset at) => _slots.Departed(start, at);

    /// <summary>Baidu answered a call without refusing it for its rate.</summary>
    public void Answered() => _refusals.Answered();

    /// <summary>Error 18: Baidu counted one call too many. No call starts for a second, here at once and then everywhere, and the margin widens.</summary>
    public async Task RefusedAsync(CancellationToken cancellationToken)
    {
        _refusals.Refused();
        _margin.Refused();
        await _slots.SlowDownAsync(SlowDownAfterRefusal, cancellationToken);
        await _ledger.SlowDownAsync(SlowDownAfterRefusal, cancellationToken);
    }

    /// <summary>A quota is used up: no call starts until the pause ends, here at once and then everywhere.</summary>
    public async Task PauseAsync(BudgetPause pause, CancellationToken cancellationToken)
    {
        await _slots.PauseAsync(pause.Until, cancellationToken);
        await _ledger.PauseAsync(pause, cancellationToken);
    }

    /// <summary>The pause in force, if any (read from the shared row at most once a second per instance).</summary>
    public Task<BudgetPause?> GetPauseAsync(CancellationToken cancellationToken) => _ledger.GetPauseAsync(cancellationToken);
}
