using System.Security.Cryptography;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Options;
using Shiming.Patients;
using Shiming.Privacy;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Patients;

/// <summary>
/// A roster write that lands but whose answer is lost is retried by the storage pipeline, and the retry is
/// refused (409 or 412) because the first attempt changed the row. The roster must still tell the truth.
/// </summary>
[TestClass]
public sealed class PatientRosterRetryTests
{
    private const string Account = "account-1";

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Ct => TestContext.CancellationToken;

    [TestMethod]
    public async Task An_add_whose_answer_was_lost_is_reported_as_added_not_as_already_listed()
    {
        var (roster, fault) = await NewRosterAsync();

        fault.Armed = true;
        var outcome = await roster.AddAsync(Account, NewCard(), Ct);

        Assert.IsTrue(fault.Lost, "the first write's answer was not lost, so the test proves nothing");
        var added = Assert.IsInstanceOfType<AddPatientOutcome.Added>(outcome);
        Assert.AreEqual(added.Patient.Id, (await roster.ListAsync(Account, Ct)).Single().Id);
    }

    [TestMethod]
    public async Task A_removal_whose_answer_was_lost_is_reported_as_done()
    {
        var (roster, fault) = await NewRosterAsync();
        var added = (AddPatientOutcome.Added)await roster.AddAsync(Account, NewCard(), Ct);

        fault.Armed = true;
        var removed = await roster.RemoveAsync(Account, added.Patient.Id, Ct);

        Assert.IsTrue(fault.Lost, "the first write's answer was not lost, so the test proves nothing");
        Assert.IsTrue(removed);
        Assert.IsEmpty(await roster.ListAsync(Account, Ct));
        Assert.IsFalse(await roster.RemoveAsync(Account, added.Patient.Id, Ct));
    }

    private static async Task<(PatientRoster Roster, LoseOneAnswer Fault)> NewRosterAsync()
    {
        var azurite = await Azurite.GetSharedAsync();
        var fault = new LoseOneAnswer();
        var protector = new FieldProtector(
            "k1", new Dictionary<string, byte[]> { ["k1"] = RandomNumberGenerator.GetBytes(32) }, RandomNumberGenerator.GetBytes(32));
        var roster = new PatientRoster(
            AzuriteStorage.Tables(azurite, fault),
            Options.Create(new PatientOptions { Table = AzuriteStorage.UniqueName("roster") }),
            protector,
            TimeProvider.System);
        Assert.IsEmpty(await roster.ListAsync(Account, CancellationToken.None)); // creates the table before any fault is armed
        return (roster, fault);
    }

    private static PatientCard NewCard()
    {
        var person = BaiduEmulator.SyntheticIdentities.CreatePerson(new Random(7401));
        return new PatientCard(Guid.NewGuid().ToString("N"), person.Name, person.IdNumber, person.Gender, person.Ethnicity, person.BirthDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), person.Address);
    }

    /// <summary>Once armed, lets the next write reach the service, then throws as if its answer never came back.</summary>
    private sealed class LoseOneAnswer : HttpPipelinePolicy
    {
        public volatile bool Armed;

        public bool Lost { get; private set; }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (Armed && message.Request.Method != RequestMethod.Get && message.Response.Status is >= 200 and < 300)
            {
                Armed = false;
                Lost = true;
                throw new IOException("The connection closed before the answer arrived.");
            }
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();
    }
}
