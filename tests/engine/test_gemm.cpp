#include "core/gemm.h"
#include "gradient_check.h"

#include <catch2/catch.hpp>

using namespace bpl;
using namespace bpl::test;

TEST_CASE("gemm_abt (the WebAssembly SIMD kernel where built) agrees with the three-loop reference", "[gemm]") {
  INFO("SIMD kernel in this build: " << (gemm_abt_is_simd() ? "yes" : "no (Eigen)"));
  Rng rng(21);
  const int shapes[][3] = {{1, 1, 1},     {7, 3, 5},   {8, 4, 25},   {13, 6, 25},    {18432 / 8, 6, 25},
                           {64, 16, 150}, {257, 5, 9}, {33, 17, 31}, {300, 32, 288}, {5, 1, 2}};
  for (const auto& s : shapes) {
    const int M = s[0], N = s[1], K = s[2];
    // leading dimensions larger than the rows, as for blocks of bigger matrices
    Matrix A = random_matrix(M + 3, K, rng), B = random_matrix(N + 1, K, rng);
    Matrix C = Matrix::Constant(M + 2, N, 7.0f), R = Matrix::Constant(M + 2, N, 7.0f);
    gemm_abt(A.data(), M + 3, B.data(), N + 1, C.data(), M + 2, M, N, K);
    gemm_abt_reference(A.data(), M + 3, B.data(), N + 1, R.data(), M + 2, M, N, K);
    INFO("M " << M << " N " << N << " K " << K);
    CHECK((C - R).cwiseAbs().maxCoeff() <= 1e-4f * std::max(1.0f, R.cwiseAbs().maxCoeff()));
    CHECK(C.bottomRows(2) == R.bottomRows(2));  // rows past M untouched
  }
}

TEST_CASE("gemm_atb (the WebAssembly SIMD kernel where built) agrees with the three-loop reference", "[gemm]") {
  Rng rng(22);
  const int shapes[][3] = {{1, 1, 1}, {6, 25, 18432 / 16}, {16, 150, 2048}, {3, 5, 7},
                           {2, 4, 9}, {5, 7, 130},         {32, 9, 100}};
  for (const auto& s : shapes) {
    const int M = s[0], N = s[1], K = s[2];
    Matrix A = random_matrix(K + 2, M, rng), B = random_matrix(K + 1, N, rng);
    Matrix C = Matrix::Constant(M + 1, N, 7.0f), R = Matrix::Constant(M + 1, N, 7.0f);
    gemm_atb(A.data(), K + 2, B.data(), K + 1, C.data(), M + 1, M, N, K);
    gemm_atb_reference(A.data(), K + 2, B.data(), K + 1, R.data(), M + 1, M, N, K);
    INFO("M " << M << " N " << N << " K " << K);
    CHECK((C - R).cwiseAbs().maxCoeff() <= 1e-4f * std::max(1.0f, R.cwiseAbs().maxCoeff()) * std::sqrt(float(K)));
    CHECK(C.bottomRows(1) == R.bottomRows(1));
  }
}
