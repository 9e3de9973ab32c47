import Fastai
import Foundation
import Testing

/// Labels, classes and splits as fastai v1 makes them.
@Suite struct ImageLabellingTests {
    @Test func permutationIsNumpys() throws {
        for p in try ImageFixture.load().permutations {
            var rng = NumpyRandomState(seed: p.seed)
            #expect(rng.permutation(p.n) == p.permutation, "seed \(p.seed), n \(p.n)")
        }
    }

    @Test func classesSortAsPythonStrings() throws {
        let f = try ImageFixture.load()
        #expect(f.sorted_labels.shuffled().sorted(by: PythonOrder.less) == f.sorted_labels)
    }

    @Test func extensionsAreMimetypesImageTypes() throws {
        let f = try ImageFixture.load()
        #expect(ImageFiles.extensions == Set(f.image_extensions))
        #expect(ImageFiles.isImageName("a.JPG") && ImageFiles.isImageName("b.png") && !ImageFiles.isImageName(".hidden.jpg"))
        #expect(!ImageFiles.isImageName("notes.txt") && ImageFiles.isImageName("jpg"))  // fastai's split(".")[-1]
    }

    @Test func petsPatternLabelsTheFullPath() throws {
        let paths = ["/data/images/Abyssinian_1.jpg", "/data/images/great_pyrenees_12.jpg", "/d/im/beagle_3xjpg"]
        let items = try LabelledImage.fromNameRegex(paths, pattern: #"/([^/]+)_\d+.jpg$"#)
        #expect(items.map(\.label) == ["Abyssinian", "great_pyrenees", "beagle"])  // the unescaped `.` matches x
        // Python's named-group syntax works; the escaped dot no longer matches the x.
        let named = try LabelledImage.fromNameRegex(Array(paths.prefix(2)), pattern: #"/(?P<breed>[^/]+)_\d+\.jpg$"#)
        #expect(named.map(\.label) == ["Abyssinian", "great_pyrenees"])
        #expect(throws: DataError.self) { try LabelledImage.fromNameRegex(paths, pattern: #"/(?P<breed>[^/]+)_\d+\.jpg$"#) }
    }

    @Test func badPatternsAreExplained() {
        let e1 = #expect(throws: DataError.self) { try LabelledImage.fromNameRegex(["/a/x_1.jpg"], pattern: "([a-") }
        #expect(e1?.message.contains("not a valid regular expression") == true)
        let e2 = #expect(throws: DataError.self) { try LabelledImage.fromNameRegex(["/a/x_1.jpg"], pattern: "x_1") }
        #expect(e2?.message.contains("no group") == true)
        let e3 = #expect(throws: DataError.self) {
            try LabelledImage.fromNameRegex(["/a/x_1.jpg", "/a/y.png", "/a/z.png"], pattern: #"/([^/]+)_\d+"#)
        }
        #expect(e3?.message.contains("2 of 3 files, e.g. \"/a/y.png\", \"/a/z.png\"") == true, "\(e3?.message ?? "")")
    }

    @Test func randomSplitIsFastais() throws {
        let items = (0..<10).map { LabelledImage(path: "/p/\($0).jpg", label: $0 % 3 == 0 ? "b" : "A") }
        let split = try ImageSplit(items, rule: .randomPercent(0.2, seed: 2))
        var rng = NumpyRandomState(seed: 2)
        let perm = rng.permutation(10)
        // valid = rand_idx[:int(0.2·10)] in permutation order, minus labels unseen in train; train in item order.
        #expect(split.train.map(\.path) == (0..<10).filter { !perm.prefix(2).contains($0) }.map { "/p/\($0).jpg" })
        #expect((split.valid + split.droppedValid).count == 2)
        #expect(split.classes == ["A", "b"])
    }

    @Test func unseenValidationLabelsAreDropped() throws {
        let items = [
            LabelledImage(path: "/r/train/cat/1.png", label: "cat"), LabelledImage(path: "/r/train/dog/2.png", label: "dog"),
            LabelledImage(path: "/r/valid/cat/3.png", label: "cat"), LabelledImage(path: "/r/valid/cow/4.png", label: "cow"),
            LabelledImage(path: "/r/other/dog/5.png", label: "dog"),
        ]
        let split = try ImageSplit(items, rule: .folders(root: "/r", train: "train", valid: "valid"))
        #expect(split.classes == ["cat", "dog"])
        #expect(split.train.count == 2 && split.valid.map(\.path) == ["/r/valid/cat/3.png"])
        #expect(split.droppedValid.map(\.label) == ["cow"])
        #expect(split.labelIndices(split.train) == [0, 1])
        #expect(LabelledImage.fromParentFolder(["/r/train/cat/1.png"]).first?.label == "cat")
    }

    @Test func explicitSplitKeepsTheGivenOrder() throws {
        let items = (0..<4).map { LabelledImage(path: "/p/\($0).jpg", label: "l\($0 % 2)") }
        let split = try ImageSplit(items, rule: .explicit(root: "/p", train: nil, valid: ["3.jpg", "/p/0.jpg"]))
        #expect(split.valid.map(\.path) == ["/p/3.jpg", "/p/0.jpg"] && split.train.map(\.path) == ["/p/1.jpg", "/p/2.jpg"])
        #expect(throws: DataError.self) { try ImageSplit(items, rule: .explicit(root: "/p", train: nil, valid: ["9.jpg"])) }
    }

    @Test func csvRowsWithQuotes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ll-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("labels.csv")
        try "name,label\r\na.jpg,cat\n\"b, c.jpg\",\"big \"\"dog\"\"\"\n".write(to: csv, atomically: true, encoding: .utf8)
        let items = try LabelledImage.fromCSV(csv.path, folder: "/imgs")
        #expect(items == [LabelledImage(path: "/imgs/a.jpg", label: "cat"), LabelledImage(path: "/imgs/b, c.jpg", label: "big \"dog\"")])
    }
}
