#include "core/error.h"
#include "layers/layer.h"

#include <catch2/catch.hpp>

using namespace bpl;

TEST_CASE("Layer specs parse positional and named arguments", "[spec]") {
  LayerSpec s = parse_layer_spec(" Conv( 6 , 5, stride=2, pad = same ) ");
  CHECK(s.name == "conv");
  CHECK(s.args == std::vector<std::string>{"6", "5"});
  CHECK(s.kwargs.at("stride") == "2");
  CHECK(s.kwargs.at("pad") == "same");
  auto list = parse_layer_list("conv(6,5), relu; maxpool(2)\nflatten");
  CHECK(list.size() == 4);
  CHECK(list[2].name == "maxpool");
}

TEST_CASE("Bad layer specs are refused", "[spec]") {
  CHECK_THROWS_AS(parse_layer_spec("conv(6, 5"), ConfigError);
  CHECK_THROWS_WITH(parse_layer_spec("conv(6,,5)"), Catch::Contains("empty argument"));
  CHECK_THROWS_WITH(parse_layer_spec("conv(k=5, 6)"), Catch::Contains("positional argument after"));
  CHECK_THROWS_WITH(parse_layer_spec("con-v"), Catch::Contains("not a letter"));
  CHECK_THROWS_WITH(parse_layer_list(" , "), Catch::Contains("empty"));
  CHECK_THROWS_WITH(make_layer(parse_layer_spec("relu(3)")), Catch::Contains("at most 0"));
}
