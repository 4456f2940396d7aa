#include "core/error.h"
#include "data/idx.h"
#include "test_helpers.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#ifdef BPL_HAVE_ZLIB
#include <zlib.h>
#endif

using namespace bpl;
using namespace bpl::test;

TEST_CASE("IDX images and labels parse from good bytes", "[idx]") {
  auto img = idx_images(3, 2, 4, 24);
  IdxImages im = parse_idx_images(img.data(), img.size());
  CHECK(im.count == 3);
  CHECK(im.rows == 2);
  CHECK(im.cols == 4);
  CHECK(im.pixels.size() == 24);
  CHECK(im.pixels[1] == 7);
  auto lab = idx_labels({0, 9, 4}, 3);
  CHECK(parse_idx_labels(lab.data(), lab.size()) == std::vector<uint8_t>{0, 9, 4});
}

TEST_CASE("Malformed IDX files are refused with a clear message", "[idx]") {
  struct Bad {
    const char* what;
    std::vector<uint8_t> bytes;
    bool labels;
    const char* message;
  };
  const std::vector<Bad> bad = {
      {"wrong magic", idx_images(1, 2, 2, 4, 0x1234), false, "wrong magic number 0x00001234"},
      {"label file as images", idx_labels({1}, 1), false, "this is an IDX label file"},
      {"image file as labels", idx_images(1, 1, 1, 1), true, "this is an IDX image file"},
      {"header cut short", std::vector<uint8_t>{0, 0, 8, 3, 0, 0}, false, "too short"},
      {"truncated pixels", idx_images(10, 28, 28, 784 * 9), false, "truncated"},
      {"extra bytes", idx_images(1, 2, 2, 5), false, "unexpected bytes"},
      {"zero images", idx_images(0, 28, 28, 0), false, "image count 0"},
      {"zero rows", idx_images(1, 0, 28, 0), false, "image size 0×28"},
      {"huge dimensions", idx_images(1, 100000, 100000, 0), false, "not in 1..1024"},
      {"huge count", idx_images(0xFFFFFFFF, 28, 28, 0), false, "image count 4294967295"},
      {"label above 9", idx_labels({1, 2, 10}, 3), true, "label 10 at index 2"},
      {"label count mismatch", idx_labels({1, 2}, 3), true, "promises 3 labels"},
      {"zero labels", idx_labels({}, 0), true, "label count 0"},
      {"empty file", {}, false, "too short"},
  };
  for (const Bad& b : bad) {
    INFO(b.what);
    if (b.labels)
      CHECK_THROWS_WITH(parse_idx_labels(b.bytes.data(), b.bytes.size()), Catch::Contains(b.message));
    else
      CHECK_THROWS_WITH(parse_idx_images(b.bytes.data(), b.bytes.size()), Catch::Contains(b.message));
  }
}

TEST_CASE("Images and labels of different counts do not make a dataset", "[idx]") {
  auto img = idx_images(3, 2, 2, 12);
  IdxImages im = parse_idx_images(img.data(), img.size());
  CHECK_THROWS_WITH(make_dataset(im, {1, 2}, "pair"), Catch::Contains("3 images but 2 labels"));
}

TEST_CASE("The real MNIST files read with the right sizes and labels", "[idx][mnist]") {
  const Dataset& train = mnist_train();
  const Dataset& test = mnist_test();
  CHECK(train.size() == 60000);
  CHECK(test.size() == 10000);
  CHECK(train.rows == 28);
  CHECK(train.cols == 28);
  CHECK(train.labels[0] == 5);  // the famous first training digit
  CHECK(test.labels[0] == 7);
  CHECK_THROWS_WITH(read_idx_images(mnist_dir() + "/no-such-file"), Catch::Contains("cannot open"));
}

#ifdef BPL_HAVE_ZLIB
TEST_CASE("Gzipped IDX files read natively, a corrupt .gz is refused", "[idx][gz]") {
  auto img = idx_images(2, 3, 3, 18);
  std::string path = temp_path("test_images.idx.gz");
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f);
  gzwrite(f, img.data(), static_cast<unsigned>(img.size()));
  gzclose(f);
  IdxImages im = read_idx_images(path);
  CHECK(im.count == 2);
  CHECK(im.pixels[2] == 14);
  // corrupt the compressed stream in the middle
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  for (size_t i = 12; i < bytes.size() - 8; ++i) bytes[i] ^= 0x5a;
  write_bytes(path, bytes);
  CHECK_THROWS_AS(read_idx_images(path), FormatError);
}
#endif

TEST_CASE("find_idx_file: the plain name, the official .gz and the name.idx3-ubyte copies", "[idx]") {
  const std::string dir = temp_path("idx-names");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  CHECK_THROWS_WITH(find_idx_file(dir, "t10k-images-idx3-ubyte"),
                    Catch::Contains("looked for t10k-images-idx3-ubyte, t10k-images-idx3-ubyte.gz, "
                                    "t10k-images.idx3-ubyte, t10k-images.idx3-ubyte.gz"));
  auto touch = [&](const std::string& n) { std::ofstream(dir + "/" + n) << "x"; };
  touch("t10k-images.idx3-ubyte.gz");
  CHECK(find_idx_file(dir, "t10k-images-idx3-ubyte") == dir + "/t10k-images.idx3-ubyte.gz");
  touch("t10k-images.idx3-ubyte");
  CHECK(find_idx_file(dir, "t10k-images-idx3-ubyte") == dir + "/t10k-images.idx3-ubyte");
  touch("t10k-images-idx3-ubyte.gz");
  CHECK(find_idx_file(dir, "t10k-images-idx3-ubyte") == dir + "/t10k-images-idx3-ubyte.gz");
  touch("t10k-images-idx3-ubyte");  // the plain name first
  CHECK(find_idx_file(dir, "t10k-images-idx3-ubyte") == dir + "/t10k-images-idx3-ubyte");
}
