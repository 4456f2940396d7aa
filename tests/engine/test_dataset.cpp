#include "core/error.h"
#include "data/dataset.h"
#include "test_helpers.h"

#include <catch2/catch.hpp>

#include <set>

using namespace bpl;
using namespace bpl::test;

TEST_CASE("Splits are disjoint, sized as asked and reproducible from the seed", "[dataset]") {
  const Dataset& train = mnist_train();
  Split a = make_split(train, 1000, 0.1, 0.1, 7, nullptr, 0);
  CHECK(a.train.size() == 800);
  CHECK(a.val.size() == 100);
  CHECK(a.test.size() == 100);
  CHECK(a.test_from_train);
  std::set<int> all(a.train.begin(), a.train.end());
  all.insert(a.val.begin(), a.val.end());
  all.insert(a.test.begin(), a.test.end());
  CHECK(all.size() == 1000);
  Split b = make_split(train, 1000, 0.1, 0.1, 7, nullptr, 0), c = make_split(train, 1000, 0.1, 0.1, 8, nullptr, 0);
  CHECK(a.train == b.train);
  CHECK(a.train != c.train);
  Split d = make_split(train, 0, 0.2, 0.0, 1, &mnist_test(), 2000);
  CHECK(d.train.size() == 48000);
  CHECK(d.val.size() == 12000);
  CHECK(d.test.size() == 2000);
  CHECK_FALSE(d.test_from_train);
}

TEST_CASE("Split sizes that do not fit are refused", "[dataset]") {
  const Dataset& train = mnist_train();
  CHECK_THROWS_WITH(make_split(train, 70000, 0.1, 0, 1, nullptr, 0), Catch::Contains("the training file has 60000"));
  CHECK_THROWS_WITH(make_split(train, 100, 0.6, 0.5, 1, nullptr, 0), Catch::Contains("fractions"));
  CHECK_THROWS_WITH(make_split(train, 100, 0.1, 0, 1, &mnist_test(), 20000),
                    Catch::Contains("the test file has 10000"));
  Dataset empty;
  CHECK_THROWS_WITH(make_split(empty, 0, 0.1, 0, 1, nullptr, 0), Catch::Contains("empty"));
}

TEST_CASE("Normalisation: unit, symmetric and standard", "[dataset]") {
  Normalizer u;
  CHECK(u.apply(255) == Approx(1.0));
  CHECK(u.apply(0) == 0.0f);
  Normalizer s = Normalizer::make(NormKind::Symmetric, mnist_train(), {0});
  CHECK(s.apply(0) == Approx(-1.0));
  CHECK(s.apply(255) == Approx(1.0));
  std::vector<int> idx(2000);
  for (int i = 0; i < 2000; ++i) idx[i] = i;
  Normalizer st = Normalizer::make(NormKind::Standard, mnist_train(), idx);
  CHECK(st.mean == Approx(0.1307).margin(0.003));  // MNIST's well-known mean and std
  CHECK(st.std == Approx(0.3081).margin(0.003));
  Matrix x;
  std::vector<int> y;
  gather_batch(mnist_train(), idx, 0, 2000, st, x, y);
  CHECK(x.mean() == Approx(0.0).margin(1e-3));
  CHECK(y[0] == 5);
}
