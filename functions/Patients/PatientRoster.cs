using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Shiming.IdentityChecks;
using Shiming.Storage;
using Shiming.Privacy;

namespace Shiming.Patients;

/// <summary>
/// An account's patients, kept in one table row and changed only under that row's ETag, so two adds at
/// the same moment can never leave six patients or the same person twice. Every personal field is
/// encrypted on its own; the duplicate check compares a keyed hash of the ID number, never the number.
/// </summary>
public sealed class PatientRoster
{
    private const string RosterRowKey = "roster";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TableClient _table;
    private readonly FieldProtector _protector;
    private readonly TimeProvider _time;
    private readonly CreateOnce _creation;

    public PatientRoster(TableServiceClient tables, IOptions<PatientOptions> options, FieldProtector protector, TimeProvider time)
    {
        _table = tables.GetTableClient(options.Value.Table);
        _creation = new CreateOnce(async cancellationToken => await _table.CreateIfNotExistsAsync(cancellationToken));
        _protector = protector;
        _time = time;
    }

    public async Task<IReadOnlyList<Patient>> ListAsync(string accountKey, CancellationToken cancellationToken) =>
        (await ReadAsync(accountKey, cancellationToken)).Patients;

    public async Task<AddPatientOutcome> AddAsync(string accountKey, PatientCard card, CancellationToken cancellationToken)
    {
        var personIndex = _protector.BlindIndex(card.IdNumber.ToUpperInvariant(), "Patients/IdNumber");
        var id = Guid.NewGuid().ToString("N");
        while (true)
        {
            var (patients, etag) = await ReadAsync(accountKey, cancellationToken);

            // A write whose answer was lost, then refused on retry because it had changed the row, did land.
            if (patients.FirstOrDefault(p => p.Id == id) is { } written)
            {
                return new AddPatientOutcome.Added(written);
            }

            if (patients.Any(p => p.PersonIndex == personIndex))
            {
                return new AddPatientOutcome.AlreadyListed();
            }

            if (patients.Count >= PatientOptions.MaxPatientsPerAccount)
            {
                return new AddPatientOutcome.RosterFull();
            }

            var patient = new Patient(
                id, card.Name, card.IdNumber.ToUpperInvariant(), card.Gender, card.Ethnicity, card.BirthDate, card.Address,
                card.VerificationId, personIndex, _time.GetUtcNow()) { IdentityCheck = card.IdentityCheck };
            if (await TryWriteAsync(accountKey, [.. patients, patient], etag, cancellationToken))
            {
                return new AddPatientOutcome.Added(patient);
            }
        }
    }

    public async Task<bool> RemoveAsync(string accountKey, string patientId, CancellationToken cancellationToken)
    {
        // After a refused write the patient may be gone by that very write (its answer lost, the retry refused)
        // or by a concurrent removal: either way it was there when asked, and is gone now.
        var tried = false;
        while (true)
        {
            var (patients, etag) = await ReadAsync(accountKey, cancellationToken);
            if (!patients.Any(p => p.Id == patientId))
            {
                return tried;
            }

            if (await TryWriteAsync(accountKey, [.. patients.Where(p => p.Id != patientId)], etag, cancellationToken))
            {
                return true;
            }

            tried = true;
        }
    }

    private async Task<(IReadOnlyList<Patient> Patients, ETag? ETag)> ReadAsync(string accountKey, CancellationToken cancellationToken)
    {
        await _creation.EnsureAsync(cancellationToken);
        var read = await _table.GetEntityIfExistsAsync<TableEntity>(accountKey, RosterRowKey, cancellationToken: cancellationToken);
        var entity = read.HasValue ? read.Value : null;
        if (entity?.GetString("Patients") is not { } stored)
        {
            return ([], entity?.ETag);
        }

        var records = JsonSerializer.Deserialize<List<StoredPatient>>(stored, Json) ?? [];
        return ([.. records.Select(r => Decrypt(accountKey, r))], entity.ETag);
    }

    /// <summary>Writes the whole roster if nobody changed it since it was read; false when somebody did.</summary>
    private Task<bool> TryWriteAsync(string accountKey, IReadOnlyList<Patient> patients, ETag? etag, CancellationToken cancellationToken) =>
        ConditionalWrite.TryAsync(
            _table,
            new TableEntity(accountKey, RosterRowKey)
            {
                ["Patients"] = JsonSerializer.Serialize(patients.Select(p => Encrypt(accountKey, p)).ToList(), Json),
            },
            etag,
            cancellationToken);

    private StoredPatient Encrypt(string accountKey, Patient p)
    {
        string? Protect(string? value, string field) => value is null ? null : _protector.Protect(value, Purpose(accountKey, p.Id, field));
        return new StoredPatient(
            p.Id, Protect(p.Name, "Name")!, Protect(p.IdNumber, "IdNumber")!, Protect(p.Gender, "Gender"), Protect(p.Ethnicity, "Ethnicity"),
            Protect(p.BirthDate, "BirthDate"), Protect(p.Address, "Address"), p.VerificationId, p.PersonIndex, p.AddedTime, p.IdentityCheck);
    }

    private Patient Decrypt(string accountKey, StoredPatient s)
    {
        string? Unprotect(string? value, string field) => value is null ? null : _protector.Unprotect(value, Purpose(accountKey, s.Id, field));
        return new Patient(
            s.Id, Unprotect(s.Name, "Name")!, Unprotect(s.IdNumber, "IdNumber")!, Unprotect(s.Gender, "Gender"), Unprotect(s.Ethnicity, "Ethnicity"),
            Unprotect(s.BirthDate, "BirthDate"), Unprotect(s.Address, "Address"), s.VerificationId, s.PersonIndex, s.AddedTime) { IdentityCheck = s.IdentityCheck };
    }

    private static string Purpose(string accountKey, string patientId, string field) => $"Patients/{field}/{accountKey}/{patientId}";

    /// <summary>One roster entry as stored: every personal value encrypted.</summary>
    private sealed record StoredPatient(
        string Id, string Name, string IdNumber, string? Gender, string? Ethnicity, string? BirthDate, string? Address,
        string VerificationId, string PersonIndex, DateTimeOffset AddedTime, IdentityCheckResult? IdentityCheck = null);
}

/// <summary>The card fields a patient is registered from.</summary>
public sealed record PatientCard(string VerificationId, string Name, string IdNumber, string? Gender, string? Ethnicity, string? BirthDate, string? Address)
{
    /// <summary>What the authority said of the person, when checked.</summary>
    public IdentityCheckResult? IdentityCheck { get; init; }
}

public abstract record AddPatientOutcome
{
    public sealed record Added(Patient Patient) : AddPatientOutcome;

    public sealed record RosterFull : AddPatientOutcome;

    public sealed record AlreadyListed : AddPatientOutcome;
}
