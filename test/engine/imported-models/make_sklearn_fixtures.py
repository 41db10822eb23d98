"""scikit-learn MLPs as skl2onnx exports them, and what scikit-learn predicts for them.

    /usr/bin/python3 test/engine/imported-models/make_sklearn_fixtures.py

skl2onnx cannot be installed here (PyPI is unreachable), so its converters are followed by
hand with python3-onnx's helper API, node for node and name for name, as skl2onnx 1.21 lays
them out (operator_converters/multilayer_perceptron.py and scaler_op.py):

- Pipeline(StandardScaler, MLPRegressor) -> Scaler (ai.onnx.ml, offset = mean, scale = 1/std),
  Cast, then per layer MatMul + Add + activation, the output layer's Identity, Reshape(-1, 1):
  output "variable" [None, 1].
- MLPClassifier -> the same layers with a Softmax head (Sigmoid for two classes, then
  Sub(1, p) and Concat to [None, 2]); "probabilities" [None, k]; the label from ArgMax +
  ArrayFeatureExtractor (ai.onnx.ml) + Reshape(-1); by default (zipmap=True) a ZipMap turns
  the probabilities into "output_probability", a list of {class: probability} maps.

The data sets ship with scikit-learn (diabetes, iris). Predictions are scikit-learn's own
(float64 weights; the ONNX file holds them as float32, as skl2onnx writes them); Jacobians
are central differences of scikit-learn's predict / predict_proba.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper
from sklearn.datasets import load_diabetes, load_iris
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from fixture_io import GRADIENT_POINTS, HERE, finite_jacobian, points, write_expected

OPSET = 15
ML_OPSET = 1


class Names:
    """skl2onnx's scope.get_unique_variable_name: name, name1, name2, ..."""

    def __init__(self):
        self.used = {}

    def __call__(self, base):
        n = self.used.get(base)
        self.used[base] = 0 if n is None else n + 1
        return base if n is None else f'{base}{n + 1}'


def mlp_layers(mlp, first_input, nodes, inits, names, ops):
    activation = {'identity': 'Identity', 'tanh': 'Tanh', 'logistic': 'Sigmoid', 'relu': 'Relu', 'softmax': 'Softmax'}
    current = first_input
    add_result = None
    for i in range(mlp.n_layers_ - 1):
        coef, intercept = names('coefficient'), names('intercepts')
        mul_result, add_result = names('mul_result'), names('add_result')
        inits.append(helper.make_tensor(coef, TensorProto.FLOAT, mlp.coefs_[i].shape, mlp.coefs_[i].astype(np.float32).ravel()))
        inits.append(helper.make_tensor(intercept, TensorProto.FLOAT, [1, len(mlp.intercepts_[i])], mlp.intercepts_[i].astype(np.float32)))
        nodes.append(helper.make_node('MatMul', [current, coef], [mul_result], name=ops('MatMul')))
        nodes.append(helper.make_node('Add', [mul_result, intercept], [add_result], name=ops('Add')))
        if i + 1 != mlp.n_layers_ - 1:
            nxt = names('next_activations')
            op = activation[mlp.activation]
            nodes.append(helper.make_node(op, [add_result], [nxt], name=ops(op)))
            current = nxt
    out = names('out_activations_result')
    nodes.append(helper.make_node(activation[mlp.out_activation_], [add_result], [out], name=ops(activation[mlp.activation])))
    return out


def save(name, graph):
    model = helper.make_model(graph, producer_name='skl2onnx', producer_version='1.21.0', domain='ai.onnx',
                              opset_imports=[helper.make_opsetid('', OPSET), helper.make_opsetid('ai.onnx.ml', ML_OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = os.path.join(HERE, name + '.onnx')
    onnx.save(model, path)
    print(f'{name}: {os.path.getsize(path)} bytes')


def regressor():
    x, y = load_diabetes(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), MLPRegressor(hidden_layer_sizes=(32, 16), activation='relu', max_iter=3000, random_state=0))
    pipe.fit(x, y)
    scaler, mlp = pipe.steps[0][1], pipe.steps[1][1]
    names, ops = Names(), Names()
    nodes, inits = [], []
    scaled = names('variable')
    nodes.append(helper.make_node('Scaler', ['float_input'], [scaled], domain='ai.onnx.ml', name=ops('Scaler'),
                                  offset=scaler.mean_.astype(np.float32).tolist(), scale=(1.0 / scaler.scale_).astype(np.float32).tolist()))
    cast = names('cast_input')
    nodes.append(helper.make_node('Cast', [scaled], [cast], to=TensorProto.FLOAT, name=ops('Cast')))
    out = mlp_layers(mlp, cast, nodes, inits, names, ops)
    shape = names('shape_tensor')
    inits.append(helper.make_tensor(shape, TensorProto.INT64, [2], [-1, 1]))
    nodes.append(helper.make_node('Reshape', [out, shape], ['variable1'], name=ops('Reshape')))
    graph = helper.make_graph(nodes, 'pipeline_mlpregressor', [helper.make_tensor_value_info('float_input', TensorProto.FLOAT, [None, x.shape[1]])],
                              [helper.make_tensor_value_info('variable1', TensorProto.FLOAT, [None, 1])], inits)
    save('sklearn-regressor', graph)
    lo, hi = -0.1, 0.15
    pts = points(x.shape[1], lo, hi)
    predict = lambda xs: pipe.predict(xs.astype(np.float64)).reshape(-1, 1)
    write_expected('sklearn-regressor', 'scikit-learn Pipeline(StandardScaler, MLPRegressor) on the diabetes data, laid out as skl2onnx 1.21',
                   lo, hi, pts, predict(pts), finite_jacobian(predict, pts[:GRADIENT_POINTS]))


def classifier(name, binary, zipmap):
    x, y = load_iris(return_X_y=True)
    labels = np.array(['setosa', 'versicolor', 'virginica'])[y]
    if binary:
        keep = y > 0
        x, labels = x[keep], labels[keep]
    mlp = MLPClassifier(hidden_layer_sizes=(16,), activation='tanh', max_iter=4000, random_state=0).fit(x, labels)
    classes = mlp.classes_
    names, ops = Names(), Names()
    nodes, inits = [], []
    cast = names('cast_input')
    nodes.append(helper.make_node('Cast', ['input'], [cast], to=TensorProto.FLOAT, name=ops('Cast')))
    y_pred = mlp_layers(mlp, cast, nodes, inits, names, ops)
    probabilities = 'probabilities'
    if len(classes) == 2:
        unity, negative = names('unity'), names('negative_class_proba')
        inits.append(helper.make_tensor(unity, TensorProto.FLOAT, [], [1.0]))
        nodes.append(helper.make_node('Sub', [unity, y_pred], [negative], name=ops('Sub')))
        nodes.append(helper.make_node('Concat', [negative, y_pred], [probabilities], axis=1, name=ops('Concat')))
    else:
        nodes.append(helper.make_node('Identity', [y_pred], [probabilities], name=ops('Identity')))
    classes_name, argmax, extracted = names('classes'), names('argmax_output'), names('array_feature_extractor_result')
    inits.append(helper.make_tensor(classes_name, TensorProto.STRING, [len(classes)], [c.encode() for c in classes]))
    nodes.append(helper.make_node('ArgMax', [probabilities], [argmax], axis=1, name=ops('ArgMax')))
    nodes.append(helper.make_node('ArrayFeatureExtractor', [classes_name, argmax], [extracted], domain='ai.onnx.ml', name=ops('ArrayFeatureExtractor')))
    shape = names('shape_tensor')
    inits.append(helper.make_tensor(shape, TensorProto.INT64, [1], [-1]))
    nodes.append(helper.make_node('Reshape', [extracted, shape], ['label'], name=ops('Reshape')))
    inputs = [helper.make_tensor_value_info('input', TensorProto.FLOAT, [None, 4])]
    if zipmap:
        nodes.append(helper.make_node('Identity', ['label'], ['output_label'], name=ops('Identity')))
        nodes.append(helper.make_node('ZipMap', [probabilities], ['output_probability'], domain='ai.onnx.ml', name=ops('ZipMap'),
                                      classlabels_strings=[c for c in classes]))
        # seq(map(string, float)); onnx 1.12's helper has no make_map_type_proto.
        entry = onnx.TypeProto()
        entry.map_type.key_type = TensorProto.STRING
        entry.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, []))
        outputs = [helper.make_tensor_value_info('output_label', TensorProto.STRING, [None]),
                   helper.make_value_info('output_probability', helper.make_sequence_type_proto(entry))]
    else:
        outputs = [helper.make_tensor_value_info('label', TensorProto.STRING, [None]),
                   helper.make_tensor_value_info(probabilities, TensorProto.FLOAT, [None, len(classes)])]
    save(name, helper.make_graph(nodes, 'mlp_classifier', inputs, outputs, inits))
    lo, hi = 0.0, 8.0
    pts = points(4, lo, hi)
    proba = lambda xs: mlp.predict_proba(xs.astype(np.float64))
    write_expected(name, f'scikit-learn MLPClassifier ({len(classes)} iris classes), laid out as skl2onnx 1.21 with zipmap={zipmap}',
                   lo, hi, pts, proba(pts), finite_jacobian(proba, pts[:GRADIENT_POINTS]), {'classes': [str(c) for c in classes]})


if __name__ == '__main__':
    regressor()
    classifier('sklearn-classifier', binary=False, zipmap=True)
    classifier('sklearn-classifier-nozipmap', binary=False, zipmap=False)
    classifier('sklearn-binary', binary=True, zipmap=False)
