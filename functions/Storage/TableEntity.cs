using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Azure;

namespace Shiming.Storage;

/// <summary>
/// A table entity: the system properties (<see cref="PartitionKey"/>, <see cref="RowKey"/>, <see cref="ETag"/>,
/// <see cref="Timestamp"/>) plus a case-sensitive bag of custom properties. The bag holds only custom properties:
/// the system names are refused there so that nobody sets a key through it by mistake.
/// </summary>
/// <remarks>
/// Values may be <see cref="string"/>, <see cref="int"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>,
/// <see cref="DateTimeOffset"/>, <see cref="DateTime"/> (stored as UTC; an unspecified kind is taken as UTC),
/// <see cref="Guid"/>, <see cref="byte"/>[] or <see cref="BinaryData"/>. A null value is not stored.
/// Entities read from the service hold <see cref="long"/> for Int64, <see cref="DateTimeOffset"/> (UTC) for
/// DateTime and <see cref="byte"/>[] for Binary.
/// </remarks>
public sealed class TableEntity : IDictionary<string, object?>
{
    internal const string PartitionKeyName = "PartitionKey";
    internal const string RowKeyName = "RowKey";
    internal const string TimestampName = "Timestamp";

    private readonly Dictionary<string, object?> _properties = new(StringComparer.Ordinal);
    private string _partitionKey = string.Empty;
    private string _rowKey = string.Empty;

    public TableEntity()
    {
    }

    public TableEntity(string partitionKey, string rowKey)
    {
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    public string PartitionKey
    {
        get => _partitionKey;
        set => _partitionKey = value ?? throw new ArgumentNullException(nameof(value));
    }

    public string RowKey
    {
        get => _rowKey;
        set => _rowKey = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The ETag the entity was read with; <c>default</c> for an entity not read from the service.</summary>
    public ETag ETag { get; set; }

    /// <summary>When the service last modified the entity; null for an entity not read from the service.</summary>
    public DateTimeOffset? Timestamp { get; internal set; }

    public int Count => _properties.Count;

    public ICollection<string> Keys => _properties.Keys;

    public ICollection<object?> Values => _properties.Values;

    bool ICollection<KeyValuePair<string, object?>>.IsReadOnly => false;

    public object? this[string key]
    {
        get => _properties[CheckName(key)];
        set => _properties[CheckName(key)] = CheckValue(key, value);
    }

    public void Add(string key, object? value) => _properties.Add(CheckName(key), CheckValue(key, value));

    public bool ContainsKey(string key) => _properties.ContainsKey(key);

    public bool Remove(string key) => _properties.Remove(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value) => _properties.TryGetValue(key, out value);

    public void Clear() => _properties.Clear();

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _properties.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    void ICollection<KeyValuePair<string, object?>>.Add(KeyValuePair<string, object?> item) => Add(item.Key, item.Value);

    bool ICollection<KeyValuePair<string, object?>>.Contains(KeyValuePair<string, object?> item) =>
        ((ICollection<KeyValuePair<string, object?>>)_properties).Contains(item);

    void ICollection<KeyValuePair<string, object?>>.CopyTo(KeyValuePair<string, object?>[] array, int arrayIndex) =>
        ((ICollection<KeyValuePair<string, object?>>)_properties).CopyTo(array, arrayIndex);

    bool ICollection<KeyValuePair<string, object?>>.Remove(KeyValuePair<string, object?> item) =>
        ((ICollection<KeyValuePair<string, object?>>)_properties).Remove(item);

    public string? GetString(string key) => Get<string>(key, v => v as string);

    public int? GetInt32(string key) => Get(key, v => v is int i ? i : (int?)null);

    /// <summary>An Int64 property, or an Int32 one widened (un-annotated whole numbers come back as Int32).</summary>
    public long? GetInt64(string key) => Get(key, v => v switch { long l => l, int i => i, _ => (long?)null });

    /// <summary>A Double property, or an Int32 one widened (a whole double written without a type annotation reads back as Int32).</summary>
    public double? GetDouble(string key) => Get(key, v => v switch { double d => d, int i => i, _ => (double?)null });

    public bool? GetBoolean(string key) => Get(key, v => v is bool b ? b : (bool?)null);

    public DateTimeOffset? GetDateTimeOffset(string key) =>
        Get(key, v => v switch { DateTimeOffset d => d, DateTime d => ToUtc(d), _ => (DateTimeOffset?)null });

    public Guid? GetGuid(string key) => Get(key, v => v is Guid g ? g : (Guid?)null);

    public BinaryData? GetBinary(string key) =>
        Get(key, v => v switch { byte[] bytes => BinaryData.FromBytes(bytes), BinaryData data => data, _ => null });

    /// <summary>A DateTime as the UTC instant it stands for: Local is converted, Unspecified is taken as UTC.</summary>
    internal static DateTimeOffset ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero),
        _ => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero),
    };

    internal static bool IsReservedName(string name) =>
        name is PartitionKeyName or RowKeyName or TimestampName
        || name.StartsWith("odata.", StringComparison.Ordinal)
        || name.Contains('@', StringComparison.Ordinal);

    internal void SetFromService(string key, object value) => _properties[key] = value;

    private T? Get<T>(string key, Func<object, T?> convert)
    {
        CheckName(key);
        if (!_properties.TryGetValue(key, out var value) || value is null)
        {
            return default;
        }

        return convert(value) ?? throw new InvalidOperationException(
            $"Property '{key}' holds a {value.GetType().Name}, which cannot be read as {Nullable.GetUnderlyingType(typeof(T))?.Name ?? typeof(T).Name}.");
    }

    private static string CheckName(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (IsReservedName(key))
        {
            throw new ArgumentException(
                $"'{key}' is not a custom property: use the PartitionKey, RowKey, ETag and Timestamp properties of the entity.",
                nameof(key));
        }

        return key;
    }

    private static object? CheckValue(string key, object? value) => value switch
    {
        null or string or int or long or bool or DateTimeOffset or DateTime or Guid or byte[] or BinaryData => value,
        double d when double.IsFinite(d) => value,
        double => throw new ArgumentException($"Property '{key}': NaN and infinities cannot be stored.", nameof(value)),
        _ => throw new ArgumentException(
            $"Property '{key}': a {value.GetType().Name} cannot be stored; use string, int, long, double, bool, DateTimeOffset, DateTime, Guid, byte[] or BinaryData.",
            nameof(value)),
    };
}
