using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Shiming.Api;
using Shiming.IdCards;
using Shiming.IdentityChecks;
using Shiming.Jobs;

namespace Shiming.Patients;

/// <summary>
/// Where a patient comes from: a completed verification of a card's front, or a completed identity check of details
/// typed in. While the identity check is on, only a person the authority matched is taken; anything else is a
/// <c>422</c> whose type names the reason.
/// </summary>
public sealed class PatientSources(JobLines jobs, IOptionsMonitor<IdentityCheckOptions> identity)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The card fields of the person, or the problem.</summary>
    public readonly record struct Source(PatientCard? Card, ProblemHttpResult? Problem);

    public async Task<Source> FromVerificationAsync(string accountKey, string verificationId, CancellationToken cancellationToken)
    {
        var job = await jobs[IdCardKind.Definition].Records.FindAsync(accountKey, verificationId, cancellationToken);
        if (job is null)
        {
            return Unusable("verification_not_found", "There is no verification with this id for your account. Submit the patient's ID card first.");
        }

        if (job.Status != RuntimeStatus.Completed || job.OutputJson is null)
        {
            return Unusable("verification_not_completed", "This verification has not completed successfully. Wait for it to finish, or submit the card again.");
        }

        var output = JsonSerializer.Deserialize<IdCardFrontOutput>(job.OutputJson, Json);
        if (output is null || output.Side != "front")
        {
            return Unusable("verification_not_front", "This verification is of the back of the card. Register a patient from the front, the side with the portrait.");
        }

        if (!output.IdNumberValid || output.IdNumber is null || output.Name is null)
        {
            return Unusable("id_number_invalid", "The ID number read from this card is not valid. Photograph the front again so that every digit is sharp.");
        }

        return NotMatched(output.IdentityCheck) is { } problem
            ? new Source(null, problem)
            : new Source(new PatientCard(job.Id, output.Name, output.IdNumber, output.Gender, output.Ethnicity, output.BirthDate, output.Address) { IdentityCheck = output.IdentityCheck }, null);
    }

    public async Task<Source> FromIdentityCheckAsync(string accountKey, string identityCheckId, CancellationToken cancellationToken)
    {
        var job = await jobs[IdentityCheckKind.Definition].Records.FindAsync(accountKey, identityCheckId, cancellationToken);
        if (job is null)
        {
            return Unusable("identity_check_not_found", "There is no identity check with this id for your account. Check the patient's details first.");
        }

        var output = job.Status == RuntimeStatus.Completed && job.OutputJson is not null ? JsonSerializer.Deserialize<IdentityCheckOutput>(job.OutputJson, Json) : null;
        if (output is null || IdentityDetails.FromJson(job.InputJson) is not { } details)
        {
            return Unusable("identity_check_not_completed", "This identity check has not completed. Wait for it to finish, or check the details again.");
        }

        var result = new IdentityCheckResult(output.Result, output.CheckedAt);
        return NotMatched(result, force: true) is { } problem
            ? new Source(null, problem)
            : new Source(new PatientCard(job.Id, details.Name, details.IdNumber, Gender(details.IdNumber), null, BirthDate(details.IdNumber), null) { IdentityCheck = result }, null);
    }

    /// <summary>The problem with a person the authority did not match, while the check is on (always, for a typed-in check).</summary>
    private ProblemHttpResult? NotMatched(IdentityCheckResult? check, bool force = false) => (force || identity.CurrentValue.Enabled) ? check?.Result switch
    {
        IdentityResults.Matched => null,
        IdentityResults.Mismatched => Refusal("identity_mismatched",
            "The authority's records do not match this name and ID number. Check the card and the person; a card read wrongly can be photographed again."),
        IdentityResults.Unavailable => Refusal("identity_unavailable",
            "The authority could not answer this time. Try again later, or have the person's identity checked at the desk."),
        _ => Refusal("identity_not_verified",
            "This person's name and ID number were not checked with the authority, so they cannot be registered. Photograph the front of the card again so that the number is readable."),
    } : null;

    private static string Gender(string idNumber) => (idNumber[16] - '0') % 2 == 1 ? "男" : "女";

    private static string? BirthDate(string idNumber) =>
        ChineseIdNumber.TryGetBirthDate(idNumber, out var date) ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null;

    private static Source Unusable(string code, string detail) => new(null, Refusal(code, detail));

    private static ProblemHttpResult Refusal(string code, string detail) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, code, "This cannot register a patient.", detail);
}
