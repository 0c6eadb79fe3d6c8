using Azure;
using Shiming.Storage;

namespace Shiming.Tests.Storage;

[TestClass]
public sealed class TableEntityTests
{
    [TestMethod]
    public void PropertyNamesAreCaseSensitive()
    {
        var entity = new TableEntity("p", "r") { ["Name"] = "upper", ["name"] = "lower" };

        Assert.HasCount(2, entity);
        Assert.AreEqual("upper", entity.GetString("Name"));
        Assert.AreEqual("lower", entity.GetString("name"));
        Assert.IsNull(entity.GetString("NAME"));
    }

    [TestMethod]
    [DataRow("PartitionKey")]
    [DataRow("RowKey")]
    [DataRow("Timestamp")]
    [DataRow("odata.etag")]
    [DataRow("Value@odata.type")]
    public void SystemAndAnnotationNamesAreRefusedInTheBag(string name)
    {
        var entity = new TableEntity("p", "r");

        Assert.ThrowsExactly<ArgumentException>(() => entity[name] = "x");
        Assert.ThrowsExactly<ArgumentException>(() => entity.Add(name, "x"));
        Assert.ThrowsExactly<ArgumentException>(() => entity.GetString(name));
        Assert.IsFalse(entity.ContainsKey(name));
        Assert.IsEmpty(entity);
    }

    [TestMethod]
    public void UnsupportedValuesAreRefusedWhenSet()
    {
        var entity = new TableEntity("p", "r");

        Assert.ThrowsExactly<ArgumentException>(() => entity["Decimal"] = 1.5m);
        Assert.ThrowsExactly<ArgumentException>(() => entity["Float"] = 1.5f);
        Assert.ThrowsExactly<ArgumentException>(() => entity["Object"] = new object());
        Assert.ThrowsExactly<ArgumentException>(() => entity["NaN"] = double.NaN);
        Assert.ThrowsExactly<ArgumentException>(() => entity["Inf"] = double.PositiveInfinity);
        Assert.IsEmpty(entity);
    }

    [TestMethod]
    public void KeysCannotBeNull()
    {
        var entity = new TableEntity();

        Assert.AreEqual("", entity.PartitionKey);
        Assert.ThrowsExactly<ArgumentNullException>(() => entity.PartitionKey = null!);
        Assert.ThrowsExactly<ArgumentNullException>(() => new TableEntity("p", null!));
    }

    [TestMethod]
    public void GettersWidenWhereNoInformationIsLostAndRefuseOtherwise()
    {
        var entity = new TableEntity("p", "r") { ["Int"] = 5, ["Long"] = 5L, ["Text"] = "5", ["Local"] = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc) };

        Assert.AreEqual(5L, entity.GetInt64("Int"));
        Assert.AreEqual(5.0, entity.GetDouble("Int"));
        Assert.ThrowsExactly<InvalidOperationException>(() => entity.GetInt32("Long"));
        Assert.ThrowsExactly<InvalidOperationException>(() => entity.GetInt32("Text"));
        Assert.ThrowsExactly<InvalidOperationException>(() => entity.GetGuid("Text"));
        Assert.AreEqual(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), entity.GetDateTimeOffset("Local"));
    }

    [TestMethod]
    public void NullValuesReadAsNull()
    {
        var entity = new TableEntity("p", "r") { ["Nothing"] = null };

        Assert.IsNull(entity.GetInt32("Nothing"));
        Assert.IsNull(entity.GetBinary("Nothing"));
        Assert.IsTrue(entity.ContainsKey("Nothing"));
    }

    [TestMethod]
    public void BinaryReadsFromEitherByteArrayOrBinaryData()
    {
        var entity = new TableEntity("p", "r") { ["A"] = new byte[] { 1 }, ["B"] = BinaryData.FromBytes([2]) };

        CollectionAssert.AreEqual(new byte[] { 1 }, entity.GetBinary("A")!.ToArray());
        CollectionAssert.AreEqual(new byte[] { 2 }, entity.GetBinary("B")!.ToArray());
    }

    [TestMethod]
    public void DateTimeKindsMapToTheUtcInstantTheyStandFor()
    {
        var local = new DateTime(2020, 6, 1, 12, 0, 0, DateTimeKind.Local);
        var entity = new TableEntity("p", "r") { ["Local"] = local, ["Unspecified"] = new DateTime(2020, 6, 1, 12, 0, 0) };

        Assert.AreEqual(new DateTimeOffset(local.ToUniversalTime(), TimeSpan.Zero), entity.GetDateTimeOffset("Local"));
        Assert.AreEqual(new DateTimeOffset(2020, 6, 1, 12, 0, 0, TimeSpan.Zero), entity.GetDateTimeOffset("Unspecified"));
    }

    [TestMethod]
    public void ETagIsSettableForCallersThatKeepIt()
    {
        var entity = new TableEntity("p", "r") { ETag = new ETag("W/\"x\"") };

        Assert.AreEqual("W/\"x\"", entity.ETag.ToString());
        Assert.IsNull(entity.Timestamp);
    }
}
