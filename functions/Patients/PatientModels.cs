using System.ComponentModel.DataAnnotations;
using Shiming.IdentityChecks;

namespace Shiming.Patients;

/// <summary>Settings <c>Patients__*</c>.</summary>
public sealed class PatientOptions
{
    public const string Section = "Patients";

    /// <summary>Patients one account may register (就诊人): five, as hospital apps allow.</summary>
    public const int MaxPatientsPerAccount = 5;

    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Patients__Table must be a valid table name.")]
    public string Table { get; set; } = "Patients";
}

/// <summary>The body of <c>POST /api/patients</c>.</summary>
public sealed record AddPatientRequest(string? VerificationId, string? IdentityCheckId);

/// <summary>A patient as lists show one: identifying values partly hidden.</summary>
public sealed record PatientSummary(
    string Id,
    string NameMasked,
    string IdNumberMasked,
    string? Gender,
    string VerificationId,
    DateTimeOffset AddedTime,
    IdentityCheckResult? IdentityCheck);

/// <summary>A patient as stored, decrypted: the card's fields and the keyed hash of the ID number.</summary>
public sealed record Patient(
    string Id,
    string Name,
    string IdNumber,
    string? Gender,
    string? Ethnicity,
    string? BirthDate,
    string? Address,
    string VerificationId,
    string PersonIndex,
    DateTimeOffset AddedTime)
{
    /// <summary>What the authority said when the patient was added; null for one added while the check was off.</summary>
    public IdentityCheckResult? IdentityCheck { get; init; }

    public PatientSummary ToSummary() => new(
        Id,
        Privacy.PersonalDataMasking.MaskName(Name),
        IdentityChecks.ChineseIdNumber.Mask(IdNumber),
        Gender,
        VerificationId,
        AddedTime,
        IdentityCheck);
}
