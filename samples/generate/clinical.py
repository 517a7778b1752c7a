"""Clinical content: referral questions per specialty, real ICD-10-CM codes, red flags, notes.

Questions are written the way a primary-care clinician writes them on a form. Items marked
``red_flag`` carry a phrase that warrants an expedited visit; when a document does not state the
urgency, the truth for those is ``urgent`` and for the others ``routine``. Clinical-notes text
includes *negated* red flags ("denies chest pain") that must not raise urgency.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import simple_icd_10_cm as icd


@dataclass(frozen=True)
class Item:
    """One clinical reason for referral."""

    specialty: str
    question: str
    codes: tuple[str, ...]
    red_flag: bool = False


_I = Item
ITEMS: tuple[Item, ...] = (
    _I("cardiology", "Evaluate new onset atrial fibrillation with palpitations; please advise on "
       "rate control and anticoagulation.", ("I48.91", "R00.2")),
    _I("cardiology", "Chest pain on exertion for 3 weeks, relieved by rest. Please evaluate for "
       "coronary artery disease.", ("R07.9", "I10"), red_flag=True),
    _I("cardiology", "Systolic murmur found on routine exam. Echo and cardiology opinion "
       "requested.", ("R01.1",)),
    _I("gastroenterology", "Screening colonoscopy, family history of colon cancer in father at "
       "age 58.", ("Z12.11", "Z80.0")),
    _I("gastroenterology", "Iron deficiency anemia with intermittent rectal bleeding; rule out "
       "colorectal malignancy.", ("D50.9", "K62.5"), red_flag=True),
    _I("gastroenterology", "Chronic GERD symptoms despite 8 weeks of omeprazole. Consider EGD.",
       ("K21.9",)),
    _I("dermatology", "Changing pigmented lesion on left upper back, irregular borders; suspected "
       "melanoma.", ("D48.5",), red_flag=True),
    _I("dermatology", "Moderate plaque psoriasis not controlled with topical steroids.",
       ("L40.0",)),
    _I("endocrinology", "Type 2 diabetes with A1c 9.8% on metformin and glipizide; please help "
       "with insulin initiation.", ("E11.65",)),
    _I("endocrinology", "Thyroid nodule 2.1 cm on ultrasound, TSH normal. FNA and management?",
       ("E04.1",)),
    _I("neurology", "New onset unilateral weakness of the right arm since yesterday with slurred "
       "speech.", ("R53.1", "R47.81"), red_flag=True),
    _I("neurology", "Chronic migraine, more than 15 headache days per month despite "
       "topiramate.", ("G43.709",)),
    _I("neurology", "Resting tremor of the left hand, slowly progressive over a year; evaluate "
       "for Parkinson disease.", ("R25.1",)),
    _I("orthopedics", "Right knee pain with locking after a twisting injury; MRI shows medial "
       "meniscus tear.", ("M23.221", "M25.561")),
    _I("orthopedics", "Left hip osteoarthritis, failed conservative therapy; surgical opinion.",
       ("M16.12",)),
    _I("pulmonology", "Persistent cough for 10 weeks with a 2 cm lung nodule on CT; suspected "
       "malignancy.", ("R91.1", "R05.3"), red_flag=True),
    _I("pulmonology", "COPD with frequent exacerbations, please optimize inhaler regimen.",
       ("J44.1",)),
    _I("sleep_medicine", "Loud snoring and witnessed apneas, daytime sleepiness; sleep study "
       "requested.", ("G47.33", "R06.83")),
    _I("nephrology", "CKD stage 3b with eGFR declining from 48 to 38 over 12 months.",
       ("N18.32", "I10")),
    _I("urology", "PSA rose from 3.1 to 6.4 ng/mL over one year. Please evaluate for prostate "
       "biopsy.", ("R97.20",)),
    _I("urology", "Painless gross hematuria, 60 pack-year smoker; rule out bladder cancer.",
       ("R31.0", "F17.210"), red_flag=True),
    _I("rheumatology", "Symmetric small joint polyarthritis with positive RF and anti-CCP.",
       ("M06.9",)),
    _I("rheumatology", "Recurrent gout flares despite allopurinol 300 mg daily.", ("M10.9",)),
    _I("hematology_oncology", "Newly found lymphadenopathy and weight loss of 15 lb; suspected "
       "lymphoma.", ("R59.1", "R63.4"), red_flag=True),
    _I("hematology_oncology", "Mild persistent thrombocytopenia, platelets 110K for 6 months.",
       ("D69.6",)),
    _I("allergy_immunology", "Seasonal allergic rhinitis not controlled with antihistamines; "
       "consider allergy testing and immunotherapy.", ("J30.2",)),
    _I("allergy_immunology", "Suspected penicillin allergy from childhood rash; delabeling "
       "evaluation requested.", ("Z88.0",)),
    _I("infectious_disease", "Latent tuberculosis, positive QuantiFERON, needs treatment plan.",
       ("R76.11",)),
    _I("infectious_disease", "Newly diagnosed HIV infection, establish care.", ("B20",)),
    _I("general_surgery", "Symptomatic gallstones with recurrent biliary colic after fatty meals.",
       ("K80.20",)),
    _I("general_surgery", "Reducible right inguinal hernia, enlarging, elective repair.",
       ("K40.90",)),
    _I("obstetrics_gynecology", "Postmenopausal bleeding for 2 months; evaluate for endometrial "
       "cancer.", ("N95.0",), red_flag=True),
    _I("obstetrics_gynecology", "Heavy menstrual bleeding with fibroid uterus on ultrasound.",
       ("N92.0", "D25.9")),
    _I("ophthalmology", "Sudden painless vision loss in the left eye this morning.",
       ("H54.62",), red_flag=True),
    _I("ophthalmology", "Diabetic patient due for retinal exam, no retinopathy known.",
       ("E11.9",)),
    _I("otolaryngology", "Chronic sinusitis with nasal obstruction, 3 courses of antibiotics "
       "this year.", ("J32.9",)),
    _I("otolaryngology", "Unilateral hearing loss of the right ear and tinnitus for 4 months.",
       ("H91.91", "H93.11")),
    _I("psychiatry", "Treatment-resistant depression, failed two SSRIs; medication management.",
       ("F33.1",)),
    _I("psychiatry", "Adult ADHD evaluation, difficulty at work.", ("F90.9",)),
    _I("pain_management", "Chronic low back pain with left sciatica, consider epidural steroid "
       "injection.", ("M54.42",)),
    _I("physical_medicine_rehab", "Deconditioning after prolonged hospitalization; PM&R "
       "evaluation for rehab plan.", ("R53.81",)),
    _I("podiatry", "Diabetic foot exam and nail care; thick dystrophic toenails.",
       ("E11.42", "B35.1")),
    _I("vascular_surgery", "Abdominal aortic aneurysm 4.6 cm on ultrasound, surveillance vs "
       "repair.", ("I71.40",)),
    _I("vascular_surgery", "Calf claudication at one block, ABI 0.62 on the right.",
       ("I70.211",)),
    _I("neurosurgery", "Progressive cervical myelopathy with hand clumsiness, MRI with cord "
       "compression.", ("M47.12",), red_flag=True),
    _I("neurosurgery", "Lumbar spinal stenosis with neurogenic claudication, surgical opinion.",
       ("M48.062",)),
)

# Labels as printed for a stated specialty: the canonical word and common abbreviations.
SPECIALTY_WORDS: dict[str, tuple[str, ...]] = {
    "allergy_immunology": ("Allergy/Immunology", "Allergy"),
    "cardiology": ("Cardiology", "Cardiology", "Cardio"),
    "dermatology": ("Dermatology", "Derm"),
    "endocrinology": ("Endocrinology", "Endo"),
    "gastroenterology": ("Gastroenterology", "GI"),
    "general_surgery": ("General Surgery", "Surgery"),
    "hematology_oncology": ("Hematology/Oncology", "Heme/Onc", "Oncology"),
    "infectious_disease": ("Infectious Disease", "ID"),
    "nephrology": ("Nephrology", "Renal"),
    "neurology": ("Neurology", "Neuro"),
    "neurosurgery": ("Neurosurgery", "Spine Surgery"),
    "obstetrics_gynecology": ("OB/GYN", "Gynecology"),
    "ophthalmology": ("Ophthalmology", "Eye"),
    "orthopedics": ("Orthopedics", "Ortho", "Orthopaedic Surgery"),
    "otolaryngology": ("ENT", "Otolaryngology"),
    "pain_management": ("Pain Management", "Pain Clinic"),
    "physical_medicine_rehab": ("PM&R", "Physical Medicine & Rehab"),
    "podiatry": ("Podiatry",),
    "psychiatry": ("Psychiatry", "Behavioral Health"),
    "pulmonology": ("Pulmonology", "Pulmonary"),
    "rheumatology": ("Rheumatology", "Rheum"),
    "sleep_medicine": ("Sleep Medicine", "Sleep Clinic"),
    "urology": ("Urology", "Uro"),
    "vascular_surgery": ("Vascular Surgery", "Vascular"),
}

NEGATED_FINDINGS: tuple[str, ...] = (
    "Denies chest pain", "denies shortness of breath", "no weight loss", "no fever or chills",
    "denies melena or hematochezia", "no focal weakness", "denies syncope",
    "no night sweats", "denies vision changes", "no bowel or bladder incontinence",
    "negative for hemoptysis", "without suicidal ideation",
)

VITALS_FMT = "BP {sys}/{dia}, HR {hr}, T 98.{t} F, SpO2 {o2}%, Wt {wt} lb"

MEDS: tuple[str, ...] = (
    "lisinopril 10 mg daily", "metformin 1000 mg BID", "atorvastatin 40 mg nightly",
    "omeprazole 20 mg daily", "levothyroxine 75 mcg daily", "amlodipine 5 mg daily",
    "sertraline 50 mg daily", "albuterol HFA PRN", "aspirin 81 mg daily", "gabapentin 300 mg TID",
)


def check_codes() -> None:
    """Fail loudly if any code in ``ITEMS`` is not a billable ICD-10-CM code."""
    for item in ITEMS:
        for code in item.codes:
            if not (icd.is_valid_item(code) and icd.is_leaf(code)):
                raise ValueError(f"not a billable ICD-10-CM code: {code} ({item.question})")


def describe(code: str) -> str:
    """The official ICD-10-CM description, for 'Diagnoses:' lists."""
    return icd.get_description(code)


def pick_item(rng: random.Random, *, red_flag: bool | None = None,
              specialty: str | None = None) -> Item:
    """A random item, optionally restricted to red-flag / no-red-flag items or a specialty."""
    pool = [i for i in ITEMS if (red_flag is None or i.red_flag == red_flag)
            and (specialty is None or i.specialty == specialty)]
    return rng.choice(pool)


def specialty_label(rng: random.Random, specialty: str) -> str:
    return rng.choice(SPECIALTY_WORDS[specialty])


def notes_text(rng: random.Random, item: Item, negations: tuple[str, ...] = ()) -> list[str]:
    """Paragraphs of a clinical-notes page: HPI, ROS with negated findings, meds, vitals, plan.

    ``negations`` forces specific negated findings (e.g. for a committed negation test case).
    """
    negs = [*negations, *rng.sample(NEGATED_FINDINGS, k=3)][:3]
    ros = f"ROS: {negs[0]}; {negs[1]}; {negs[2]}. Otherwise negative."
    meds = ", ".join(rng.sample(MEDS, k=rng.randint(2, 4)))
    vitals = VITALS_FMT.format(sys=rng.randint(112, 148), dia=rng.randint(66, 92),
                               hr=rng.randint(58, 96), t=rng.randint(0, 8),
                               o2=rng.randint(94, 99), wt=rng.randint(118, 260))
    hpi = (f"HPI: Patient seen in clinic for follow-up. {item.question} Symptoms have been "
           f"present for several weeks and are affecting daily activities.")
    return [hpi, ros, f"Current medications: {meds}.", f"Vitals: {vitals}.",
            "Assessment/Plan: Referral placed as above. Labs and imaging results attached "
            "where available. Will follow up after specialist evaluation."]
