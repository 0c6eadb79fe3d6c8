namespace Shiming.Jobs;

/// <summary>Every registered kind, by name; records without a kind are the one that <see cref="JobKind.HoldsUnmarkedRecords"/>.</summary>
public sealed class JobKinds
{
    private readonly Dictionary<string, JobKind> _byName;

    public JobKinds(IEnumerable<JobKind> kinds)
    {
        All = [.. kinds];
        _byName = All.ToDictionary(kind => kind.Name, StringComparer.OrdinalIgnoreCase);
        var unmarked = All.Where(kind => kind.HoldsUnmarkedRecords).ToList();
        if (unmarked.Count > 1)
        {
            throw new InvalidOperationException($"Only one kind may hold unmarked records: {string.Join(", ", unmarked)}.");
        }

        Unmarked = unmarked.SingleOrDefault();
    }

    public IReadOnlyList<JobKind> All { get; }

    /// <summary>The kind whose records carry no <c>Kind</c>, when one is registered.</summary>
    public JobKind? Unmarked { get; }

    public JobKind? Find(string? name) => name is not null && _byName.TryGetValue(name, out var kind) ? kind : null;

    /// <summary>The kind a stored record names, or the unmarked kind when it names none.</summary>
    public JobKind? OfRecord(string? storedKind) => storedKind is null ? Unmarked : Find(storedKind);
}
