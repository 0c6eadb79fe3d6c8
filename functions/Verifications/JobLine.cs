using Shiming.Telemetry;

namespace Shiming.Verifications;

/// <summary>
/// One kind's line through the pipeline: its queue and line of waiting jobs, its budget (ledger, margin, call slots),
/// and the services that accept, move and purge its jobs. Every kind has the same pipeline; only these instances
/// differ, so a burst of one kind fills its own queue and spends its own budget, never another kind's.
/// </summary>
public sealed class JobLine(
    VerificationStorage storage,
    JobRecords records,
    Backlog backlog,
    SubmissionClaims claims,
    JobAcceptance acceptance,
    PoisonQueue poison,
    JobTransitions transitions,
    VerificationPurge purge,
    PacingMargin margin,
    BudgetLedger ledger,
    CallSlots slots,
    QpsRefusalMonitor refusals)
{
    public JobKind Kind => Storage.Kind;

    public VerificationStorage Storage { get; } = storage;

    public JobRecords Records { get; } = records;

    public Backlog Backlog { get; } = backlog;

    public SubmissionClaims Claims { get; } = claims;

    public JobAcceptance Acceptance { get; } = acceptance;

    public PoisonQueue Poison { get; } = poison;

    public JobTransitions Transitions { get; } = transitions;

    public VerificationPurge Purge { get; } = purge;

    public PacingMargin Margin { get; } = margin;

    public BudgetLedger Ledger { get; } = ledger;

    public CallSlots Slots { get; } = slots;

    public QpsRefusalMonitor Refusals { get; } = refusals;

    /// <summary>A drain of this line, calling the kind's API (<see cref="IJobApi"/> keyed by the kind).</summary>
    public VerificationDrain CreateDrain(IServiceProvider scope) => ActivatorUtilities.CreateInstance<VerificationDrain>(
        scope, Transitions, Records, Ledger, Slots, Margin, Refusals, scope.GetRequiredKeyedService<IJobApi>(Kind));

    /// <summary>The cards' line is made of the services registered for verifications, as before there were kinds.</summary>
    internal static JobLine ForVerifications(IServiceProvider services) => new(
        services.GetRequiredService<VerificationStorage>(),
        services.GetRequiredService<JobRecords>(),
        services.GetRequiredService<Backlog>(),
        services.GetRequiredService<SubmissionClaims>(),
        services.GetRequiredService<JobAcceptance>(),
        services.GetRequiredService<PoisonQueue>(),
        services.GetRequiredService<JobTransitions>(),
        services.GetRequiredService<VerificationPurge>(),
        services.GetRequiredService<PacingMargin>(),
        services.GetRequiredService<BudgetLedger>(),
        services.GetRequiredService<CallSlots>(),
        services.GetRequiredService<QpsRefusalMonitor>());

    /// <summary>Another kind's line: the same types, built on the kind's own storage (queue, line, budget row).</summary>
    internal static JobLine For(IServiceProvider services, JobKind kind)
    {
        var storage = ActivatorUtilities.CreateInstance<VerificationStorage>(services, kind);
        var records = ActivatorUtilities.CreateInstance<JobRecords>(services, storage);
        var backlog = ActivatorUtilities.CreateInstance<Backlog>(services, storage);
        var claims = ActivatorUtilities.CreateInstance<SubmissionClaims>(services, storage, records);
        var poison = ActivatorUtilities.CreateInstance<PoisonQueue>(services, storage);
        var margin = ActivatorUtilities.CreateInstance<PacingMargin>(services);
        var ledger = ActivatorUtilities.CreateInstance<BudgetLedger>(services, storage, margin);
        return new JobLine(
            storage,
            records,
            backlog,
            claims,
            ActivatorUtilities.CreateInstance<JobAcceptance>(services, storage, claims, records, backlog),
            poison,
            ActivatorUtilities.CreateInstance<JobTransitions>(services, storage, records, backlog, poison),
            ActivatorUtilities.CreateInstance<VerificationPurge>(services, storage, records, claims, backlog),
            margin,
            ledger,
            ActivatorUtilities.CreateInstance<CallSlots>(services, (IStartTimeSource)ledger),
            ActivatorUtilities.CreateInstance<QpsRefusalMonitor>(services));
    }
}

/// <summary>Every kind's line, made once per process.</summary>
public sealed class JobLines
{
    private readonly Dictionary<JobKind, JobLine> _lines;

    public JobLines(IServiceProvider services, ShimingMetrics metrics)
    {
        _lines = JobKinds.All.ToDictionary(kind => kind, kind => kind == JobKind.Verification ? JobLine.ForVerifications(services) : JobLine.For(services, kind));
        foreach (var (kind, line) in _lines)
        {
            metrics.ObserveBacklog(kind.ToWireName(), line.Backlog);
        }
    }

    public JobLine this[JobKind kind] => _lines[kind];

    public IEnumerable<JobLine> All => _lines.Values;
}
